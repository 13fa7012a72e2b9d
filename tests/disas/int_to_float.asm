;; function 0 $to_f32
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      5Eh
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  xorps   xmm0,xmm0
      24  cvtsi2ss xmm0,esi
      28  xorps   xmm1,xmm1
      2b  mov     rax,rdi
      2e  test    rax,rax
      31  js      3Ah
      33  cvtsi2ss xmm1,rax
      38  jmp     51h
      3a  mov     rcx,rax
      3d  shr     rcx,1
      40  and     eax,1
      45  or      rcx,rax
      48  cvtsi2ss xmm1,rcx
      4d  addss   xmm1,xmm1
      51  nop
      52  addss   xmm0,xmm1
      56  lea     rsp,[rbp-10h]
      5a  pop     r15
      5c  leave
      5d  ret
      5e  ud2
;; function 1 $to_f64
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      3Fh
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  xorps   xmm0,xmm0
      24  mov     eax,esi
      26  cvtsi2sd xmm0,rax
      2b  xorps   xmm1,xmm1
      2e  cvtsi2sd xmm1,rdi
      33  addsd   xmm0,xmm1
      37  lea     rsp,[rbp-10h]
      3b  pop     r15
      3d  leave
      3e  ret
      3f  ud2
