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
      19  jb      4Ah
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  mov     rcx,rdi
      24  shl     rsi,cl
      27  mov     rcx,rdi
      2a  sar     rsi,cl
      2d  mov     rcx,rdi
      30  shr     rsi,cl
      33  mov     rcx,rdi
      36  rol     rsi,cl
      39  mov     rcx,rdi
      3c  ror     rsi,cl
      3f  mov     rax,rsi
      42  lea     rsp,[rbp-10h]
      46  pop     r15
      48  leave
      49  ret
      4a  ud2
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
      19  jb      3Ch
      1b  mov     rsi,rdx
      1e  shl     rsi,3
      22  sar     rsi,28h
      26  shr     rsi,7
      2a  rol     rsi,9
      2e  ror     rsi,1
      31  mov     rax,rsi
      34  lea     rsp,[rbp-10h]
      38  pop     r15
      3a  leave
      3b  ret
      3c  ud2
