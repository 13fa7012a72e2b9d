;; function 0 $id
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      29h
      1b  mov     rsi,rdx
      1e  mov     rax,rsi
      21  lea     rsp,[rbp-10h]
      25  pop     r15
      27  leave
      28  ret
      29  ud2
;; function 1 $keep
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    rbx
       a  push    r12
       c  push    r13
       e  push    r15
      10  mov     r15,rax
      13  sub     rsp,28h
      17  mov     rax,[r15+8]
      1b  cmp     rsp,[rax]
      1e  jb      75h
      20  mov     rsi,rdx
      23  mov     rdi,rcx
      26  mov     rbx,rsi
      29  imul    rbx,rdi
      2d  lea     r12,[rdi+r8]
      31  mov     r13,r8
      34  xor     r13,r9
      37  mov     rax,r9
      3a  sub     rax,rsi
      3d  mov     [rbp-40h],rax
      41  mov     rdx,rsi
      44  mov     rdi,[r15+10h]
      48  mov     rdi,[rdi]
      4b  mov     rsi,r15
      4e  call    qword ptr [rdi+8]
      51  mov     rsi,rax
      54  add     rsi,rbx
      57  lea     rdi,[r12+r13]
      5b  add     rsi,rdi
      5e  mov     r11,[rbp-40h]
      62  add     rsi,r11
      65  mov     rax,rsi
      68  lea     rsp,[rbp-28h]
      6c  pop     r15
      6e  pop     r13
      70  pop     r12
      72  pop     rbx
      73  leave
      74  ret
      75  ud2
