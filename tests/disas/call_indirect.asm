;; function 0 $f
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      2Eh
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  add     esi,edi
      23  mov     rax,rsi
      26  lea     rsp,[rbp-10h]
      2a  pop     r15
      2c  leave
      2d  ret
      2e  ud2
;; function 1 $g
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      2Eh
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  sub     esi,edi
      23  mov     rax,rsi
      26  lea     rsp,[rbp-10h]
      2a  pop     r15
      2c  leave
      2d  ret
      2e  ud2
;; function 2 $dispatch
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      6Eh
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  mov     ecx,esi
      23  mov     rax,[r15+20h]
      27  mov     rax,[rax]
      2a  cmp     ecx,[rax+8]
      2d  jae     68h
      2f  mov     rax,[rax]
      32  mov     rax,[rax+rcx*8]
      36  test    rax,rax
      39  je      6Ah
      3b  mov     rcx,[r15+30h]
      3f  mov     ecx,[rcx]
      41  cmp     ecx,[rax+20h]
      44  jne     6Ch
      46  mov     [rbp-18h],rax
      4a  mov     rdx,rdi
      4d  mov     rcx,r8
      50  mov     rdi,[rbp-18h]
      54  mov     rsi,r15
      57  call    qword ptr [rdi+8]
      5a  mov     rsi,rax
      5d  mov     rax,rsi
      60  lea     rsp,[rbp-10h]
      64  pop     r15
      66  leave
      67  ret
      68  ud2
      6a  ud2
      6c  ud2
      6e  ud2
