;; function 0 $target
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      23h
      1b  lea     rsp,[rbp-10h]
      1f  pop     r15
      21  leave
      22  ret
      23  ud2
;; function 1 $get
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      73h
      1b  mov     rsi,rdx
      1e  mov     rcx,rsi
      21  mov     rdi,r15
      24  mov     rsi,0
      2e  mov     rdx,0
      38  mov     rax,table_get
      42  call    rax
      44  test    rdx,rdx
      47  jne     57h
      49  mov     rsi,rax
      4c  mov     rax,rsi
      4f  lea     rsp,[rbp-10h]
      53  pop     r15
      55  leave
      56  ret
      57  mov     edi,edx
      59  lea     rsi,[59h]
      60  mov     rdx,rbp
      63  and     rsp,0FFFFFFFFFFFFFFF0h
      67  mov     rax,trap_in_compiled_code
      71  call    rax
      73  ud2
;; function 2 $set
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    rbx
       a  push    r15
       c  mov     r15,rax
       f  sub     rsp,18h
      13  mov     rax,[r15+8]
      17  cmp     rsp,[rax]
      1a  jb      98h
      1c  mov     rbx,rdx
      1f  mov     rdi,r15
      22  mov     rsi,0
      2c  mov     rdx,0
      36  mov     rax,ref_func
      40  call    rax
      42  mov     rsi,rax
      45  mov     rcx,rbx
      48  mov     r8,rsi
      4b  mov     rdi,r15
      4e  mov     rsi,0
      58  mov     rdx,0
      62  mov     rax,table_set
      6c  call    rax
      6e  test    rdx,rdx
      71  jne     7Ch
      73  lea     rsp,[rbp-18h]
      77  pop     r15
      79  pop     rbx
      7a  leave
      7b  ret
      7c  mov     edi,edx
      7e  lea     rsi,[7Eh]
      85  mov     rdx,rbp
      88  and     rsp,0FFFFFFFFFFFFFFF0h
      8c  mov     rax,trap_in_compiled_code
      96  call    rax
      98  ud2
;; function 3 $grow_size_null
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    rbx
       a  push    r12
       c  push    r15
       e  mov     r15,rax
      11  sub     rsp,20h
      15  mov     rax,[r15+8]
      19  cmp     rsp,[rax]
      1c  jb      0E3h
      22  mov     rsi,rdx
      25  xor     edi,edi
      27  mov     rcx,rdi
      2a  mov     r8,rsi
      2d  mov     rdi,r15
      30  mov     rsi,0
      3a  mov     rdx,0
      44  mov     rax,table_grow
      4e  call    rax
      50  mov     rbx,rax
      53  mov     rdi,r15
      56  mov     rsi,0
      60  mov     rdx,0
      6a  mov     rax,table_size
      74  call    rax
      76  mov     r12,rax
      79  xor     esi,esi
      7b  mov     rcx,rsi
      7e  mov     rdi,r15
      81  mov     rsi,0
      8b  mov     rdx,0
      95  mov     rax,table_get
      9f  call    rax
      a1  test    rdx,rdx
      a4  jne     0C7h
      a6  mov     rsi,rax
      a9  xor     eax,eax
      ab  test    rsi,rsi
      ae  sete    al
      b1  mov     rsi,rax
      b4  add     esi,r12d
      b7  add     esi,ebx
      b9  mov     rax,rsi
      bc  lea     rsp,[rbp-20h]
      c0  pop     r15
      c2  pop     r12
      c4  pop     rbx
      c5  leave
      c6  ret
      c7  mov     edi,edx
      c9  lea     rsi,[0C9h]
      d0  mov     rdx,rbp
      d3  and     rsp,0FFFFFFFFFFFFFFF0h
      d7  mov     rax,trap_in_compiled_code
      e1  call    rax
      e3  ud2
