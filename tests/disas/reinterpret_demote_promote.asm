;; function 0 $to_bits
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
      1b  movd    esi,xmm0
      1f  mov     esi,esi
      21  movq    rdi,xmm1
      26  add     rsi,rdi
      29  mov     rax,rsi
      2c  lea     rsp,[rbp-10h]
      30  pop     r15
      32  leave
      33  ret
      34  ud2
;; function 1 $from_bits
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
      21  movq    xmm0,rsi
      26  cvtss2sd xmm0,xmm0
      2a  movq    xmm1,rdi
      2f  addsd   xmm0,xmm1
      33  lea     rsp,[rbp-10h]
      37  pop     r15
      39  leave
      3a  ret
      3b  ud2
;; function 2 $demote
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
      1b  cvtsd2ss xmm0,xmm0
      1f  lea     rsp,[rbp-10h]
      23  pop     r15
      25  leave
      26  ret
      27  ud2
