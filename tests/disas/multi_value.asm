;; function 0 $three
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      4Dh
      1b  mov     [rbp-20h],rdx
      1f  mov     rsi,rcx
      22  mov     edi,esi
      24  xorps   xmm0,xmm0
      27  cvtsi2sd xmm0,esi
      2b  mov     rax,[rbp-20h]
      2f  mov     rcx,rsi
      32  mov     [rax],rcx
      35  mov     rcx,rdi
      38  mov     [rax+10h],rcx
      3c  movq    rcx,xmm0
      41  mov     [rax+20h],rcx
      45  lea     rsp,[rbp-10h]
      49  pop     r15
      4b  leave
      4c  ret
      4d  ud2
;; function 1 $use
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,50h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      83h
      1b  mov     [rbp-20h],rdx
      1f  mov     rsi,rcx
      22  mov     rcx,rsi
      25  lea     rdx,[rsp]
      29  mov     rdi,[r15+10h]
      2d  mov     rdi,[rdi]
      30  mov     rsi,r15
      33  call    qword ptr [rdi+8]
      36  mov     rax,[rsp]
      3a  mov     rsi,rax
      3d  mov     rax,[rsp+10h]
      42  mov     rdi,rax
      45  movsd   xmm15,[rsp+20h]
      4c  movaps  xmm0,xmm15
      50  mov     esi,esi
      52  add     rsi,rdi
      55  mov     rax,4000000000000000h
      5f  movq    xmm1,rax
      64  mulsd   xmm0,xmm1
      68  mov     rax,[rbp-20h]
      6c  mov     rcx,rsi
      6f  mov     [rax],rcx
      72  movq    rcx,xmm0
      77  mov     [rax+10h],rcx
      7b  lea     rsp,[rbp-10h]
      7f  pop     r15
      81  leave
      82  ret
      83  ud2
