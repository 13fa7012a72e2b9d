;; function 0 $add_sub_mul
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      37h
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  lea     r8,[rsi+rdi]
      25  sub     rsi,rdi
      28  imul    rsi,r8
      2c  mov     rax,rsi
      2f  lea     rsp,[rbp-10h]
      33  pop     r15
      35  leave
      36  ret
      37  ud2
;; function 1 $imm
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      34h
      1b  mov     rsi,rdx
      1e  add     rsi,4D2h
      25  sub     rsi,4Dh
      29  mov     rax,rsi
      2c  lea     rsp,[rbp-10h]
      30  pop     r15
      32  leave
      33  ret
      34  ud2
;; function 2 $big_const
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      36h
      1b  mov     rsi,rdx
      1e  mov     rdi,123456789ABCDEF0h
      28  add     rsi,rdi
      2b  mov     rax,rsi
      2e  lea     rsp,[rbp-10h]
      32  pop     r15
      34  leave
      35  ret
      36  ud2
