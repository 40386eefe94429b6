# EBREAK in a user program: SIGTRAP, status 133.
# expect status: 133
    .text
    .globl main
main:
    ebreak
    ret
