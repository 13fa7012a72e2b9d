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
      19  jb      85h
      1b  movaps  xmm14,xmm0
      1f  ucomiss xmm14,xmm1
      23  jp      2Dh
      25  jne     34h
      27  orps    xmm14,xmm1
      2b  jmp     39h
      2d  addss   xmm14,xmm1
      32  jmp     39h
      34  minss   xmm14,xmm1
      39  nop
      3a  movaps  xmm1,xmm14
      3e  movaps  xmm14,xmm1
      42  ucomiss xmm14,xmm2
      46  jp      50h
      48  jne     57h
      4a  andps   xmm14,xmm2
      4e  jmp     5Ch
      50  addss   xmm14,xmm2
      55  jmp     5Ch
      57  maxss   xmm14,xmm2
      5c  nop
      5d  movaps  xmm1,xmm14
      61  movq    rax,xmm1
      66  movq    rcx,xmm0
      6b  and     eax,7FFFFFFFh
      70  and     ecx,80000000h
      76  or      eax,ecx
      78  movq    xmm0,rax
      7d  lea     rsp,[rbp-10h]
      81  pop     r15
      83  leave
      84  ret
      85  ud2
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
      19  jb      8Ah
      1b  movaps  xmm14,xmm0
      1f  ucomisd xmm14,xmm1
      24  jp      2Eh
      26  jne     35h
      28  orps    xmm14,xmm1
      2c  jmp     3Ah
      2e  addsd   xmm14,xmm1
      33  jmp     3Ah
      35  minsd   xmm14,xmm1
      3a  nop
      3b  movaps  xmm1,xmm14
      3f  movaps  xmm14,xmm1
      43  ucomisd xmm14,xmm2
      48  jp      52h
      4a  jne     59h
      4c  andps   xmm14,xmm2
      50  jmp     5Eh
      52  addsd   xmm14,xmm2
      57  jmp     5Eh
      59  maxsd   xmm14,xmm2
      5e  nop
      5f  movaps  xmm1,xmm14
      63  movq    rax,xmm1
      68  movq    rcx,xmm0
      6d  btr     rax,3Fh
      72  shr     rcx,3Fh
      76  shl     rcx,3Fh
      7a  or      rax,rcx
      7d  movq    xmm0,rax
      82  lea     rsp,[rbp-10h]
      86  pop     r15
      88  leave
      89  ret
      8a  ud2
