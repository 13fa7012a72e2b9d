;; function 0 $br_if_lt_u
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
      21  cmp     esi,edi
      23  jae     35h
      25  mov     esi,2
      2a  mov     rax,rsi
      2d  lea     rsp,[rbp-10h]
      31  pop     r15
      33  leave
      34  ret
      35  mov     esi,1
      3a  mov     rax,rsi
      3d  lea     rsp,[rbp-10h]
      41  pop     r15
      43  leave
      44  ret
      45  ud2
;; function 1 $br_if_eqz
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      42h
      1b  mov     rsi,rdx
      1e  test    esi,esi
      20  jne     32h
      22  mov     esi,2
      27  mov     rax,rsi
      2a  lea     rsp,[rbp-10h]
      2e  pop     r15
      30  leave
      31  ret
      32  mov     esi,1
      37  mov     rax,rsi
      3a  lea     rsp,[rbp-10h]
      3e  pop     r15
      40  leave
      41  ret
      42  ud2
;; function 2 $if_gt_s_imm
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
      1e  cmp     esi,64h
      21  jle     2Ah
      23  mov     esi,1
      28  jmp     2Fh
      2a  mov     esi,2
      2f  mov     rax,rsi
      32  lea     rsp,[rbp-10h]
      36  pop     r15
      38  leave
      39  ret
      3a  ud2
