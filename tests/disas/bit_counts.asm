;; function 0 $bits32
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
      1e  lzcnt   edi,esi
      22  tzcnt   r8d,esi
      27  add     edi,r8d
      2a  popcnt  esi,esi
      2e  add     esi,edi
      30  mov     rax,rsi
      33  lea     rsp,[rbp-10h]
      37  pop     r15
      39  leave
      3a  ret
      3b  ud2
;; function 1 $bits64
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      3Eh
      1b  mov     rsi,rdx
      1e  lzcnt   rdi,rsi
      23  tzcnt   r8,rsi
      28  add     rdi,r8
      2b  popcnt  rsi,rsi
      30  add     rsi,rdi
      33  mov     rax,rsi
      36  lea     rsp,[rbp-10h]
      3a  pop     r15
      3c  leave
      3d  ret
      3e  ud2
