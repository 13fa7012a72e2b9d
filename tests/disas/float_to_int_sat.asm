;; function 0 $sat_i32
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
      1b  movq    rdi,xmm0
      20  mov     rax,sat_f32_i32
      2a  call    rax
      2c  mov     rsi,rax
      2f  mov     rax,rsi
      32  lea     rsp,[rbp-10h]
      36  pop     r15
      38  leave
      39  ret
      3a  ud2
;; function 1 $sat_i64
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
      1b  movq    rdi,xmm0
      20  mov     rax,sat_f64_u64
      2a  call    rax
      2c  mov     rsi,rax
      2f  mov     rax,rsi
      32  lea     rsp,[rbp-10h]
      36  pop     r15
      38  leave
      39  ret
      3a  ud2
