# The system call interface: write's return value (the length, 0 for an
# empty write), a system call number Linux lacks (-ENOSYS), and exit's
# status, the low 8 bits of the code (263 & 255 = 7).
# expect status: 7
    .include "macros.inc"
    .data
text: .ascii "written\n"
    .text
    .globl main
main:
    addi sp, sp, -16
    sw ra, 12(sp)
    li a0, 1
    la a1, text
    li a2, 8
    call write
    call puthex
    li a0, 1
    la a1, text
    li a2, 0
    call write
    call puthex
    li a7, 500
    ecall
    call puthex
    fence
    fence rw, w
    li a0, 263
    call exit
