;; function 0 $add2
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      2Eh
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  add     esi,edi
      23  mov     rax,rsi
      26  lea     rsp,[rbp-10h]
      2a  pop     r15
      2c  leave
      2d  ret
      2e  ud2
;; function 1 $caller
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
      1b  mov     rsi,rdx
      1e  mov     edi,0Ah
      23  mov     rdx,rsi
      26  mov     rcx,rdi
      29  mov     rdi,[r15+10h]
      2d  mov     rdi,[rdi]
      30  mov     rsi,r15
      33  call    qword ptr [rdi+8]
      36  mov     rsi,rax
      39  add     esi,1
      3c  mov     rax,rsi
      3f  lea     rsp,[rbp-10h]
      43  pop     r15
      45  leave
      46  ret
      47  ud2
;; function 2 $many
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    rbx
       a  push    r12
       c  push    r13
       e  push    r15
      10  mov     r15,rax
      13  sub     rsp,18h
      17  mov     rax,[r15+8]
      1b  cmp     rsp,[rax]
      1e  jb      6Ah
      20  mov     rsi,rdx
      23  mov     rdi,rcx
      26  mov     r10,[rbp+10h]
      2a  mov     rbx,[rbp+18h]
      2e  mov     r12,[rbp+20h]
      32  mov     r13,[rbp+28h]
      36  movsd   xmm8,[rbp+30h]
      3c  movsd   xmm9,[rbp+38h]
      42  add     esi,r13d
      45  xorps   xmm1,xmm1
      48  cvtsi2sd xmm1,esi
      4c  addsd   xmm0,xmm9
      51  movaps  xmm15,xmm0
      55  movaps  xmm0,xmm1
      58  addsd   xmm0,xmm15
      5d  lea     rsp,[rbp-28h]
      61  pop     r15
      63  pop     r13
      65  pop     r12
      67  pop     rbx
      68  leave
      69  ret
      6a  ud2
;; function 3 $call_many
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    rbx
       a  push    r12
       c  push    r15
       e  mov     r15,rax
      11  sub     rsp,50h
      15  mov     rax,[r15+8]
      19  cmp     rsp,[rax]
      1c  jb      0FEh
      22  mov     rsi,rdx
      25  mov     edi,1
      2a  mov     r8d,2
      30  mov     r9d,3
      36  mov     r10d,4
      3c  mov     ebx,5
      41  mov     r12d,6
      47  mov     rax,3FF0000000000000h
      51  movq    xmm1,rax
      56  mov     rax,4000000000000000h
      60  movq    xmm2,rax
      65  mov     rax,4008000000000000h
      6f  movq    xmm3,rax
      74  mov     rax,4010000000000000h
      7e  movq    xmm4,rax
      83  mov     rax,4014000000000000h
      8d  movq    xmm5,rax
      92  mov     rax,4018000000000000h
      9c  movq    xmm6,rax
      a1  mov     rax,401C000000000000h
      ab  movq    xmm7,rax
      b0  mov     rax,4020000000000000h
      ba  movq    xmm8,rax
      bf  mov     rdx,rsi
      c2  mov     rcx,rdi
      c5  mov     [rsp],r10
      c9  mov     [rsp+8],rbx
      ce  mov     [rsp+10h],r12
      d3  mov     [rsp+18h],rsi
      d8  movsd   [rsp+20h],xmm8
      df  movsd   [rsp+28h],xmm0
      e5  mov     rdi,[r15+10h]
      e9  mov     rdi,[rdi+10h]
      ed  mov     rsi,r15
      f0  call    qword ptr [rdi+8]
      f3  lea     rsp,[rbp-20h]
      f7  pop     r15
      f9  pop     r12
      fb  pop     rbx
      fc  leave
      fd  ret
      fe  ud2
