;; function 0 $f32_eq
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      34h
      1b  ucomiss xmm0,xmm1
      1e  sete    al
      21  setnp   cl
      24  and     al,cl
      26  movzx   esi,al
      29  mov     rax,rsi
      2c  lea     rsp,[rbp-10h]
      30  pop     r15
      32  leave
      33  ret
      34  ud2
;; function 1 $f32_ne
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      34h
      1b  ucomiss xmm0,xmm1
      1e  setne   al
      21  setp    cl
      24  or      al,cl
      26  movzx   esi,al
      29  mov     rax,rsi
      2c  lea     rsp,[rbp-10h]
      30  pop     r15
      32  leave
      33  ret
      34  ud2
;; function 2 $f64_lt_ge
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
      1b  ucomisd xmm1,xmm0
      1f  seta    al
      22  movzx   esi,al
      25  ucomisd xmm2,xmm3
      29  setae   al
      2c  movzx   edi,al
      2f  or      esi,edi
      31  mov     rax,rsi
      34  lea     rsp,[rbp-10h]
      38  pop     r15
      3a  leave
      3b  ret
      3c  ud2
