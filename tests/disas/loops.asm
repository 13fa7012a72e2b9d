;; function 0 $sum
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      3Ah
      1b  mov     rsi,rdx
      1e  xor     edi,edi
      20  mov     r8,rdi
      23  cmp     edi,esi
      25  jb      32h
      27  mov     rax,r8
      2a  lea     rsp,[rbp-10h]
      2e  pop     r15
      30  leave
      31  ret
      32  add     r8d,edi
      35  add     edi,1
      38  jmp     23h
      3a  ud2
;; function 1 $nested
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
      1b  mov     rsi,rdx
      1e  xor     edi,edi
      20  mov     r8,rdi
      23  xor     r9d,r9d
      26  mov     r10,r8
      29  imul    r10d,r9d
      2d  add     edi,r10d
      30  add     r9d,1
      34  cmp     r9d,esi
      37  jb      26h
      39  add     r8d,1
      3d  cmp     r8d,esi
      40  jb      23h
      42  mov     rax,rdi
      45  lea     rsp,[rbp-10h]
      49  pop     r15
      4b  leave
      4c  ret
      4d  ud2
