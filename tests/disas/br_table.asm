;; function 0 $switch
       0  push    rbp
       1  mov     rbp,rsp
       4  mov     rax,[rdi+10h]
       8  push    rax
       9  push    r15
       b  mov     r15,rax
       e  sub     rsp,20h
      12  mov     rax,[r15+8]
      16  cmp     rsp,[rax]
      19  jb      0C6h
      1f  mov     rsi,rdx
      22  mov     eax,esi
      24  cmp     eax,6
      29  jae     0B6h
      2f  cmp     eax,3
      34  jae     46h
      36  cmp     eax,0
      3b  je      56h
      3d  cmp     eax,1
      42  je      66h
      44  jmp     76h
      46  cmp     eax,3
      4b  je      86h
      4d  cmp     eax,4
      52  je      96h
      54  jmp     0A6h
      56  mov     esi,64h
      5b  mov     rax,rsi
      5e  lea     rsp,[rbp-10h]
      62  pop     r15
      64  leave
      65  ret
      66  mov     esi,65h
      6b  mov     rax,rsi
      6e  lea     rsp,[rbp-10h]
      72  pop     r15
      74  leave
      75  ret
      76  mov     esi,66h
      7b  mov     rax,rsi
      7e  lea     rsp,[rbp-10h]
      82  pop     r15
      84  leave
      85  ret
      86  mov     esi,67h
      8b  mov     rax,rsi
      8e  lea     rsp,[rbp-10h]
      92  pop     r15
      94  leave
      95  ret
      96  mov     esi,68h
      9b  mov     rax,rsi
      9e  lea     rsp,[rbp-10h]
      a2  pop     r15
      a4  leave
      a5  ret
      a6  mov     esi,69h
      ab  mov     rax,rsi
      ae  lea     rsp,[rbp-10h]
      b2  pop     r15
      b4  leave
      b5  ret
      b6  mov     esi,0FFFFFFFFh
      bb  mov     rax,rsi
      be  lea     rsp,[rbp-10h]
      c2  pop     r15
      c4  leave
      c5  ret
      c6  ud2
;; function 1 $loop_table
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
      1e  xor     edi,edi
      20  add     edi,esi
      22  sub     esi,1
      25  cmp     esi,0
      28  mov     eax,0
      2d  setg    al
      30  mov     r8d,eax
      33  mov     eax,r8d
      36  cmp     eax,1
      3b  jae     20h
      3d  jmp     3Fh
      3f  mov     rax,rdi
      42  lea     rsp,[rbp-10h]
      46  pop     r15
      48  leave
      49  ret
      4a  ud2
