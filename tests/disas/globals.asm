;; function 0 $bump
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      44h
      1b  mov     rsi,[r15+28h]
      1f  mov     rsi,[rsi]
      22  mov     rdi,[rsi]
      25  mov     r8,[r15+28h]
      29  mov     r8,[r8+10h]
      2d  mov     r8,[r8]
      30  add     edi,r8d
      33  mov     [rsi],rdi
      36  mov     rsi,[rsi]
      39  mov     rax,rsi
      3c  lea     rsp,[rbp-10h]
      40  pop     r15
      42  leave
      43  ret
      44  ud2
;; function 1 $scale
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      47h
      1b  mov     rsi,[r15+28h]
      1f  mov     rsi,[rsi+8]
      23  movsd   xmm1,[rsi]
      27  movaps  xmm15,xmm0
      2b  movaps  xmm0,xmm1
      2e  mulsd   xmm0,xmm15
      33  movq    rax,xmm0
      38  mov     [rsi],rax
      3b  movsd   xmm0,[rsi]
      3f  lea     rsp,[rbp-10h]
      43  pop     r15
      45  leave
      46  ret
      47  ud2
