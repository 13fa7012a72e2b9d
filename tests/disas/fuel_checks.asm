;; function 0 $leaf
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
      1e  mov     rax,[r15+8]
      22  sub     qword ptr [rax+8],3
      27  jl      39h
      29  add     esi,1
      2c  mov     rax,rsi
      2f  lea     rsp,[rbp-10h]
      33  pop     r15
      35  leave
      36  ret
      37  ud2
      39  ud2
;; function 1 $run
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    rbx
       a  push    r12
       c  push    r15
       e  mov     r15,rax
      11  sub     rsp,20h
      15  mov     rax,[r15+8]
      19  cmp     rsp,[rax]
      1c  jb      72h
      1e  mov     rbx,rdx
      21  xor     esi,esi
      23  mov     r12,rsi
      26  mov     rax,[r15+8]
      2a  sub     qword ptr [rax+8],2
      2f  jl      74h
      31  mov     rdx,rsi
      34  mov     rdi,[r15+10h]
      38  mov     rdi,[rdi]
      3b  mov     rsi,r15
      3e  call    qword ptr [rdi+8]
      41  mov     rsi,rax
      44  mov     rax,[r15+8]
      48  sub     qword ptr [rax+8],9
      4d  jl      74h
      4f  add     r12d,1
      53  cmp     r12d,ebx
      56  jb      26h
      58  nop
      59  mov     rax,[r15+8]
      5d  sub     qword ptr [rax+8],1
      62  jl      74h
      64  mov     rax,rsi
      67  lea     rsp,[rbp-20h]
      6b  pop     r15
      6d  pop     r12
      6f  pop     rbx
      70  leave
      71  ret
      72  ud2
      74  ud2
