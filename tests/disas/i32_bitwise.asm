;; function 0 $reg
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      33h
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  and     edi,esi
      23  or      edi,r8d
      26  xor     esi,edi
      28  mov     rax,rsi
      2b  lea     rsp,[rbp-10h]
      2f  pop     r15
      31  leave
      32  ret
      33  ud2
;; function 1 $imm
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
      1e  and     esi,0FFh
      24  or      esi,100h
      2a  xor     esi,5555h
      30  mov     rax,rsi
      33  lea     rsp,[rbp-10h]
      37  pop     r15
      39  leave
      3a  ret
      3b  ud2
