;; function 0 $stores_i32
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
      1b  jb      43h
      1d  mov     r14,[r15]
      20  mov     r14,[r14]
      23  mov     rsi,rdx
      26  mov     rdi,rcx
      29  mov     [r14+rsi+1],dil
      2e  mov     [r14+rsi+2],di
      34  mov     [r14+rsi+4],edi
      39  lea     rsp,[rbp-18h]
      3d  pop     r15
      3f  pop     r14
      41  leave
      42  ret
      43  ud2
;; function 1 $stores_i64
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
      26  mov     rdi,rcx
      29  mov     [r14+rsi+8],dil
      2e  mov     [r14+rsi+0Ah],di
      34  mov     [r14+rsi+0Ch],edi
      39  mov     [r14+rsi+10h],rdi
      3e  lea     rsp,[rbp-18h]
      42  pop     r15
      44  pop     r14
      46  leave
      47  ret
      48  ud2
;; function 2 $stores_misc
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
      1b  jb      51h
      1d  mov     r14,[r15]
      20  mov     r14,[r14]
      23  mov     rsi,rdx
      26  movss   [r14+rsi+18h],xmm0
      2d  movsd   [r14+rsi+20h],xmm1
      34  mov     dword ptr [r14+rsi+28h],12345678h
      3d  mov     esi,[r14+400h]
      44  mov     rax,rsi
      47  lea     rsp,[rbp-18h]
      4b  pop     r15
      4d  pop     r14
      4f  leave
      50  ret
      51  ud2
