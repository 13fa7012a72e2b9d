;; function 0 $size_grow
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    rbx
       a  push    r14
       c  push    r15
       e  mov     r15,rax
      11  sub     rsp,20h
      15  mov     rax,[r15+8]
      19  cmp     rsp,[rax]
      1c  jb      86h
      1e  mov     r14,[r15]
      21  mov     r14,[r14]
      24  mov     rsi,rdx
      27  mov     rcx,rsi
      2a  mov     rdi,r15
      2d  mov     rsi,0
      37  mov     rdx,0
      41  mov     rax,memory_grow
      4b  call    rax
      4d  mov     rbx,rax
      50  mov     rdi,r15
      53  mov     rsi,0
      5d  mov     rdx,0
      67  mov     rax,memory_size
      71  call    rax
      73  mov     rsi,rax
      76  add     esi,ebx
      78  mov     rax,rsi
      7b  lea     rsp,[rbp-20h]
      7f  pop     r15
      81  pop     r14
      83  pop     rbx
      84  leave
      85  ret
      86  ud2
;; function 1 $fill
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r14
       b  push    r15
       d  mov     r15,rax
      10  sub     rsp,18h
      14  mov     rax,[r15+8]
      18  cmp     rsp,[rax]
      1b  jb      80h
      1d  mov     r14,[r15]
      20  mov     r14,[r14]
      23  mov     rsi,rdx
      26  mov     rdi,rcx
      29  mov     rcx,rsi
      2c  mov     r9,r8
      2f  mov     r8,rdi
      32  mov     rdi,r15
      35  mov     rsi,0
      3f  mov     rdx,0
      49  mov     rax,memory_fill
      53  call    rax
      55  test    rdx,rdx
      58  jne     64h
      5a  lea     rsp,[rbp-18h]
      5e  pop     r15
      60  pop     r14
      62  leave
      63  ret
      64  mov     edi,edx
      66  lea     rsi,[66h]
      6d  mov     rdx,rbp
      70  and     rsp,0FFFFFFFFFFFFFFF0h
      74  mov     rax,trap_in_compiled_code
      7e  call    rax
      80  ud2
;; function 2 $copy
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r14
       b  push    r15
       d  mov     r15,rax
      10  sub     rsp,18h
      14  mov     rax,[r15+8]
      18  cmp     rsp,[rax]
      1b  jb      80h
      1d  mov     r14,[r15]
      20  mov     r14,[r14]
      23  mov     rsi,rdx
      26  mov     rdi,rcx
      29  mov     rcx,rsi
      2c  mov     r9,r8
      2f  mov     r8,rdi
      32  mov     rdi,r15
      35  mov     rsi,0
      3f  mov     rdx,0
      49  mov     rax,memory_copy
      53  call    rax
      55  test    rdx,rdx
      58  jne     64h
      5a  lea     rsp,[rbp-18h]
      5e  pop     r15
      60  pop     r14
      62  leave
      63  ret
      64  mov     edi,edx
      66  lea     rsi,[66h]
      6d  mov     rdx,rbp
      70  and     rsp,0FFFFFFFFFFFFFFF0h
      74  mov     rax,trap_in_compiled_code
      7e  call    rax
      80  ud2
