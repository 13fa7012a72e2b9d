;; function 0 $to_i32
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      0A5h
      1f  ucomiss xmm0,xmm0
      22  jp      0A3h
      24  mov     rax,0CF000000h
      2e  movq    xmm14,rax
      33  ucomiss xmm0,xmm14
      37  jb      0A1h
      39  mov     rax,4F000000h
      43  movq    xmm14,rax
      48  ucomiss xmm0,xmm14
      4c  jae     0A1h
      4e  cvttss2si rax,xmm0
      53  mov     eax,eax
      55  mov     rsi,rax
      58  ucomisd xmm1,xmm1
      5c  jp      0A3h
      5e  mov     rax,0BFF0000000000000h
      68  movq    xmm14,rax
      6d  ucomisd xmm1,xmm14
      72  jbe     0A1h
      74  mov     rax,41F0000000000000h
      7e  movq    xmm14,rax
      83  ucomisd xmm1,xmm14
      88  jae     0A1h
      8a  cvttsd2si rax,xmm1
      8f  mov     eax,eax
      91  mov     rdi,rax
      94  add     esi,edi
      96  mov     rax,rsi
      99  lea     rsp,[rbp-10h]
      9d  pop     r15
      9f  leave
      a0  ret
      a1  ud2
      a3  ud2
      a5  ud2
;; function 1 $to_i64
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      0D5h
      1f  ucomisd xmm0,xmm0
      23  jp      0D3h
      29  mov     rax,0C3E0000000000000h
      33  movq    xmm14,rax
      38  ucomisd xmm0,xmm14
      3d  jb      0D1h
      43  mov     rax,43E0000000000000h
      4d  movq    xmm14,rax
      52  ucomisd xmm0,xmm14
      57  jae     0D1h
      59  cvttsd2si rax,xmm0
      5e  mov     rsi,rax
      61  ucomiss xmm1,xmm1
      64  jp      0D3h
      66  mov     rax,0BF800000h
      70  movq    xmm14,rax
      75  ucomiss xmm1,xmm14
      79  jbe     0D1h
      7b  mov     rax,5F800000h
      85  movq    xmm14,rax
      8a  ucomiss xmm1,xmm14
      8e  jae     0D1h
      90  mov     rax,5F000000h
      9a  movq    xmm14,rax
      9f  ucomiss xmm1,xmm14
      a3  jb      0BAh
      a5  movaps  xmm15,xmm1
      a9  subss   xmm15,xmm14
      ae  cvttss2si rax,xmm15
      b3  btc     rax,3Fh
      b8  jmp     0BFh
      ba  cvttss2si rax,xmm1
      bf  nop
      c0  mov     rdi,rax
      c3  add     rsi,rdi
      c6  mov     rax,rsi
      c9  lea     rsp,[rbp-10h]
      cd  pop     r15
      cf  leave
      d0  ret
      d1  ud2
      d3  ud2
      d5  ud2
