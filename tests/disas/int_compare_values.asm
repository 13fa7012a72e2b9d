;; function 0 $i32_lt_s
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      38h
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  cmp     esi,edi
      23  mov     eax,0
      28  setl    al
      2b  mov     esi,eax
      2d  mov     rax,rsi
      30  lea     rsp,[rbp-10h]
      34  pop     r15
      36  leave
      37  ret
      38  ud2
;; function 1 $i64_gt_u
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      39h
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  cmp     rsi,rdi
      24  mov     eax,0
      29  seta    al
      2c  mov     esi,eax
      2e  mov     rax,rsi
      31  lea     rsp,[rbp-10h]
      35  pop     r15
      37  leave
      38  ret
      39  ud2
;; function 2 $eqz
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      43h
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  xor     eax,eax
      23  test    esi,esi
      25  sete    al
      28  mov     rsi,rax
      2b  xor     eax,eax
      2d  test    rdi,rdi
      30  sete    al
      33  mov     rdi,rax
      36  add     esi,edi
      38  mov     rax,rsi
      3b  lea     rsp,[rbp-10h]
      3f  pop     r15
      41  leave
      42  ret
      43  ud2
