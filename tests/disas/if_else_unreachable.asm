;; function 0 $max
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      33h
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  cmp     esi,edi
      23  jge     28h
      25  mov     rsi,rdi
      28  mov     rax,rsi
      2b  lea     rsp,[rbp-10h]
      2f  pop     r15
      31  leave
      32  ret
      33  ud2
;; function 1 $pick
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      3Bh
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  mov     r8d,7
      27  test    esi,esi
      29  je      30h
      2b  add     esi,edi
      2d  mov     r8,rsi
      30  mov     rax,r8
      33  lea     rsp,[rbp-10h]
      37  pop     r15
      39  leave
      3a  ret
      3b  ud2
;; function 2 $check
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      32h
      1b  mov     rsi,rdx
      1e  cmp     esi,0
      21  jge     25h
      23  jmp     30h
      25  mov     rax,rsi
      28  lea     rsp,[rbp-10h]
      2c  pop     r15
      2e  leave
      2f  ret
      30  ud2
      32  ud2
