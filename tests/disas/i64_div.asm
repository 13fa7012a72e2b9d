;; function 0 $div
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      70h
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  mov     rcx,rdi
      24  mov     rax,rsi
      27  test    rcx,rcx
      2a  je      6Eh
      2c  cmp     rcx,0FFFFFFFFFFFFFFFFh
      30  jne     43h
      32  mov     rdx,8000000000000000h
      3c  cmp     rax,rdx
      3f  je      6Ch
      41  jmp     43h
      43  cqo
      45  idiv    rcx
      48  mov     r8,rax
      4b  mov     rcx,rdi
      4e  mov     rax,rsi
      51  test    rcx,rcx
      54  je      6Eh
      56  xor     edx,edx
      58  div     rcx
      5b  mov     rsi,rax
      5e  add     rsi,r8
      61  mov     rax,rsi
      64  lea     rsp,[rbp-10h]
      68  pop     r15
      6a  leave
      6b  ret
      6c  ud2
      6e  ud2
      70  ud2
;; function 1 $rem
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      61h
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  mov     rcx,rdi
      24  mov     rax,rsi
      27  test    rcx,rcx
      2a  je      5Fh
      2c  cmp     rcx,0FFFFFFFFFFFFFFFFh
      30  jne     36h
      32  xor     edx,edx
      34  jmp     3Bh
      36  cqo
      38  idiv    rcx
      3b  mov     r8,rdx
      3e  mov     rcx,rdi
      41  mov     rax,rsi
      44  test    rcx,rcx
      47  je      5Fh
      49  xor     edx,edx
      4b  div     rcx
      4e  mov     rsi,rdx
      51  add     rsi,r8
      54  mov     rax,rsi
      57  lea     rsp,[rbp-10h]
      5b  pop     r15
      5d  leave
      5e  ret
      5f  ud2
      61  ud2
;; function 2 $by_const
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      78h
      1b  mov     rsi,rdx
      1e  mov     edi,8
      23  mov     rcx,rdi
      26  mov     rax,rsi
      29  test    rcx,rcx
      2c  je      76h
      2e  cmp     rcx,0FFFFFFFFFFFFFFFFh
      32  jne     45h
      34  mov     rdx,8000000000000000h
      3e  cmp     rax,rdx
      41  je      74h
      43  jmp     45h
      45  cqo
      47  idiv    rcx
      4a  mov     rdi,rax
      4d  mov     r8d,0Ah
      53  mov     rcx,r8
      56  mov     rax,rsi
      59  test    rcx,rcx
      5c  je      76h
      5e  xor     edx,edx
      60  div     rcx
      63  mov     rsi,rdx
      66  add     rsi,rdi
      69  mov     rax,rsi
      6c  lea     rsp,[rbp-10h]
      70  pop     r15
      72  leave
      73  ret
      74  ud2
      76  ud2
      78  ud2
