;; function 0 $loads_i32
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r14
       b  push    r15
       d  mov     r15,rax
      10  sub     rsp,18h
      14  mov     rax,[r15+8]
      18  cmp     rsp,[rax]
      1b  jb      5Bh
      1d  mov     r14,[r15]
      20  mov     r14,[r14]
      23  mov     rsi,rdx
      26  movsx   edi,byte ptr [r14+rsi+1]
      2c  movzx   r8d,byte ptr [r14+rsi+2]
      32  add     edi,r8d
      35  movsx   r8d,word ptr [r14+rsi+4]
      3b  movzx   r9d,word ptr [r14+rsi+6]
      41  add     r8d,r9d
      44  add     edi,r8d
      47  mov     esi,[r14+rsi+8]
      4c  add     esi,edi
      4e  mov     rax,rsi
      51  lea     rsp,[rbp-18h]
      55  pop     r15
      57  pop     r14
      59  leave
      5a  ret
      5b  ud2
;; function 1 $loads_i64
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r14
       b  push    r15
       d  mov     r15,rax
      10  sub     rsp,18h
      14  mov     rax,[r15+8]
      18  cmp     rsp,[rax]
      1b  jb      48h
      1d  mov     r14,[r15]
      20  mov     r14,[r14]
      23  mov     rsi,rdx
      26  movsxd  rdi,[r14+rsi+10h]
      2b  mov     r8d,[r14+rsi+14h]
      30  add     rdi,r8
      33  mov     rsi,[r14+rsi+18h]
      38  add     rsi,rdi
      3b  mov     rax,rsi
      3e  lea     rsp,[rbp-18h]
      42  pop     r15
      44  pop     r14
      46  leave
      47  ret
      48  ud2
;; function 2 $loads_float
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r14
       b  push    r15
       d  mov     r15,rax
      10  sub     rsp,18h
      14  mov     rax,[r15+8]
      18  cmp     rsp,[rax]
      1b  jb      46h
      1d  mov     r14,[r15]
      20  mov     r14,[r14]
      23  mov     rsi,rdx
      26  movss   xmm0,[r14+rsi+20h]
      2d  cvtss2sd xmm0,xmm0
      31  movsd   xmm1,[r14+rsi+28h]
      38  addsd   xmm0,xmm1
      3c  lea     rsp,[rbp-18h]
      40  pop     r15
      42  pop     r14
      44  leave
      45  ret
      46  ud2
