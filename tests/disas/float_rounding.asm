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
      19  jb      57h
      1b  roundss xmm1,xmm0,0Ah
      21  roundss xmm2,xmm0,9
      27  addss   xmm1,xmm2
      2b  roundss xmm2,xmm0,0Bh
      31  roundss xmm0,xmm0,8
      37  movaps  xmm15,xmm0
      3b  movaps  xmm0,xmm2
      3e  addss   xmm0,xmm15
      43  movaps  xmm15,xmm0
      47  movaps  xmm0,xmm1
      4a  addss   xmm0,xmm15
      4f  lea     rsp,[rbp-10h]
      53  pop     r15
      55  leave
      56  ret
      57  ud2
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
      19  jb      57h
      1b  roundsd xmm1,xmm0,0Ah
      21  roundsd xmm2,xmm0,9
      27  addsd   xmm1,xmm2
      2b  roundsd xmm2,xmm0,0Bh
      31  roundsd xmm0,xmm0,8
      37  movaps  xmm15,xmm0
      3b  movaps  xmm0,xmm2
      3e  addsd   xmm0,xmm15
      43  movaps  xmm15,xmm0
      47  movaps  xmm0,xmm1
      4a  addsd   xmm0,xmm15
      4f  lea     rsp,[rbp-10h]
      53  pop     r15
      55  leave
      56  ret
      57  ud2
