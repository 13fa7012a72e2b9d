;; function 0 $div
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      66h
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  mov     rcx,rdi
      24  mov     rax,rsi
      27  test    ecx,ecx
      29  je      64h
      2b  cmp     ecx,0FFFFFFFFh
      2e  jne     39h
      30  cmp     eax,80000000h
      35  je      62h
      37  jmp     39h
      39  cdq
      3a  idiv    ecx
      3c  mov     eax,eax
      3e  mov     r8,rax
      41  mov     rcx,rdi
      44  mov     rax,rsi
      47  test    ecx,ecx
      49  je      64h
      4b  xor     edx,edx
      4d  div     ecx
      4f  mov     eax,eax
      51  mov     rsi,rax
      54  add     esi,r8d
      57  mov     rax,rsi
      5a  lea     rsp,[rbp-10h]
      5e  pop     r15
      60  leave
      61  ret
      62  ud2
      64  ud2
      66  ud2
;; function 1 $rem
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      5Fh
      1b  mov     rsi,rdx
      1e  mov     rdi,rcx
      21  mov     rcx,rdi
      24  mov     rax,rsi
      27  test    ecx,ecx
      29  je      5Dh
      2b  cmp     ecx,0FFFFFFFFh
      2e  jne     34h
      30  xor     edx,edx
      32  jmp     37h
      34  cdq
      35  idiv    ecx
      37  mov     edx,edx
      39  mov     r8,rdx
      3c  mov     rcx,rdi
      3f  mov     rax,rsi
      42  test    ecx,ecx
      44  je      5Dh
      46  xor     edx,edx
      48  div     ecx
      4a  mov     edx,edx
      4c  mov     rsi,rdx
      4f  add     esi,r8d
      52  mov     rax,rsi
      55  lea     rsp,[rbp-10h]
      59  pop     r15
      5b  leave
      5c  ret
      5d  ud2
      5f  ud2
;; function 2 $by_const
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      6Dh
      1b  mov     rsi,rdx
      1e  mov     edi,8
      23  mov     rcx,rdi
      26  mov     rax,rsi
      29  test    ecx,ecx
      2b  je      6Bh
      2d  cmp     ecx,0FFFFFFFFh
      30  jne     3Bh
      32  cmp     eax,80000000h
      37  je      69h
      39  jmp     3Bh
      3b  cdq
      3c  idiv    ecx
      3e  mov     eax,eax
      40  mov     rdi,rax
      43  mov     r8d,0Ah
      49  mov     rcx,r8
      4c  mov     rax,rsi
      4f  test    ecx,ecx
      51  je      6Bh
      53  xor     edx,edx
      55  div     ecx
      57  mov     edx,edx
      59  mov     rsi,rdx
      5c  add     esi,edi
      5e  mov     rax,rsi
      61  lea     rsp,[rbp-10h]
      65  pop     r15
      67  leave
      68  ret
      69  ud2
      6b  ud2
      6d  ud2
