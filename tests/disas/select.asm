;; function 0 $sel_i32
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
      21  test    r8d,r8d
      24  cmove   rsi,rdi
      28  mov     rax,rsi
      2b  lea     rsp,[rbp-10h]
      2f  pop     r15
      31  leave
      32  ret
      33  ud2
;; function 1 $sel_f64
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      2Eh
      1b  mov     rsi,rdx
      1e  test    esi,esi
      20  jne     25h
      22  movaps  xmm0,xmm1
      25  nop
      26  lea     rsp,[rbp-10h]
      2a  pop     r15
      2c  leave
      2d  ret
      2e  ud2
;; function 2 $sel_cmp
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      40h
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  cmp     esi,edi
      23  mov     eax,0
      28  setl    al
      2b  mov     r8d,eax
      2e  test    r8d,r8d
      31  cmove   rsi,rdi
      35  mov     rax,rsi
      38  lea     rsp,[rbp-10h]
      3c  pop     r15
      3e  leave
      3f  ret
      40  ud2
