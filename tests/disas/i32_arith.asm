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
      19  jb      36h
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  lea     r8d,[rsi+rdi]
      25  sub     esi,edi
      27  imul    esi,r8d
      2b  mov     rax,rsi
      2e  lea     rsp,[rbp-10h]
      32  pop     r15
      34  leave
      35  ret
      36  ud2
;; function 1 $add_imm
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      2Fh
      1b  mov     rsi,rdx
      1e  add     esi,4D2h
      24  mov     rax,rsi
      27  lea     rsp,[rbp-10h]
      2b  pop     r15
      2d  leave
      2e  ret
      2f  ud2
;; function 2 $sub_imm
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      2Ch
      1b  mov     rsi,rdx
      1e  sub     esi,4Dh
      21  mov     rax,rsi
      24  lea     rsp,[rbp-10h]
      28  pop     r15
      2a  leave
      2b  ret
      2c  ud2
