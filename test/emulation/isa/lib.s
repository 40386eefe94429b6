# The instruction tests' library: puthex prints a0 as eight hex digits and
# a newline (RV32I only), and the macros the tests are written in. Every
# test prints what its instructions computed, so qemu-riscv32 and vmlab
# must print the same lines; the status is the test's exit code.
    .text
    .globl puthex
puthex:
    addi sp, sp, -16
    sw ra, 12(sp)
    li t0, 28
    mv t2, sp
    mv t3, a0
1:  srl t1, t3, t0
    andi t1, t1, 15
    li t4, 10
    blt t1, t4, 2f
    addi t1, t1, 'a' - 10 - '0'
2:  addi t1, t1, '0'
    sb t1, 0(t2)
    addi t2, t2, 1
    addi t0, t0, -4
    bgez t0, 1b
    li t1, '\n'
    sb t1, 0(t2)
    li a0, 1
    mv a1, sp
    li a2, 9
    call write
    lw ra, 12(sp)
    addi sp, sp, 16
    ret
