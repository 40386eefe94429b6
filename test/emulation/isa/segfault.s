# A store far outside the program's memory: SIGSEGV, status 139.
# expect status: 139
    .text
    .globl main
main:
    li t0, 0x80000000
    sw t0, 0(t0)
    ret
