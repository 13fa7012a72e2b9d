;; function 0 $f32
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      45h
      1b  movq    rax,xmm0
      20  and     eax,7FFFFFFFh
      25  movq    xmm0,rax
      2a  movq    rax,xmm1
      2f  xor     eax,80000000h
      34  movq    xmm1,rax
      39  addss   xmm0,xmm1
      3d  lea     rsp,[rbp-10h]
      41  pop     r15
      43  leave
      44  ret
      45  ud2
;; function 1 $f64
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      45h
      1b  movq    rax,xmm0
      20  btr     rax,3Fh
      25  movq    xmm0,rax
      2a  movq    rax,xmm1
      2f  btc     rax,3Fh
      34  movq    xmm1,rax
      39  addsd   xmm0,xmm1
      3d  lea     rsp,[rbp-10h]
      41  pop     r15
      43  leave
      44  ret
      45  ud2
