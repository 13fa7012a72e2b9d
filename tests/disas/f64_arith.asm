;; function 0 $ops
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      43h
      1b  movaps  xmm15,xmm1
      1f  movaps  xmm1,xmm0
      22  addsd   xmm1,xmm15
      27  subsd   xmm1,xmm2
      2b  mulsd   xmm1,xmm3
      2f  movaps  xmm15,xmm0
      33  movaps  xmm0,xmm1
      36  divsd   xmm0,xmm15
      3b  lea     rsp,[rbp-10h]
      3f  pop     r15
      41  leave
      42  ret
      43  ud2
;; function 1 $const
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
      1b  mov     rax,3FB999999999999Ah
      25  movq    xmm1,rax
      2a  addsd   xmm0,xmm1
      2e  lea     rsp,[rbp-10h]
      32  pop     r15
      34  leave
      35  ret
      36  ud2
;; function 2 $sqrt
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      27h
      1b  sqrtsd  xmm0,xmm0
      1f  lea     rsp,[rbp-10h]
      23  pop     r15
      25  leave
      26  ret
      27  ud2
