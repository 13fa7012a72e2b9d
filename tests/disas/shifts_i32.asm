;; function 0 $var
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      45h
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  mov     rcx,rdi
      24  shl     esi,cl
      26  mov     rcx,rdi
      29  sar     esi,cl
      2b  mov     rcx,rdi
      2e  shr     esi,cl
      30  mov     rcx,rdi
      33  rol     esi,cl
      35  mov     rcx,rdi
      38  ror     esi,cl
      3a  mov     rax,rsi
      3d  lea     rsp,[rbp-10h]
      41  pop     r15
      43  leave
      44  ret
      45  ud2
;; function 1 $const
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      37h
      1b  mov     rsi,rdx
      1e  shl     esi,3
      21  sar     esi,5
      24  shr     esi,7
      27  rol     esi,9
      2a  ror     esi,1
      2c  mov     rax,rsi
      2f  lea     rsp,[rbp-10h]
      33  pop     r15
      35  leave
      36  ret
      37  ud2
