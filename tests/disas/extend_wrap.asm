;; function 0 $wrap_ext
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
      1b  mov     rsi,rdx
      1e  mov     esi,esi
      20  movsx   edi,sil
      24  movsx   esi,si
      27  add     esi,edi
      29  mov     rax,rsi
      2c  lea     rsp,[rbp-10h]
      30  pop     r15
      32  leave
      33  ret
      34  ud2
;; function 1 $extend_i32
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      31h
      1b  mov     rsi,rdx
      1e  movsxd  rdi,esi
      21  mov     esi,esi
      23  add     rsi,rdi
      26  mov     rax,rsi
      29  lea     rsp,[rbp-10h]
      2d  pop     r15
      2f  leave
      30  ret
      31  ud2
;; function 2 $extend_i64
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
      1e  movsx   rdi,sil
      22  movsx   r8,si
      26  add     rdi,r8
      29  movsxd  rsi,esi
      2c  add     rsi,rdi
      2f  mov     rax,rsi
      32  lea     rsp,[rbp-10h]
      36  pop     r15
      38  leave
      39  ret
      3a  ud2
