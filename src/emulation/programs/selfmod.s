# selfmod: a program that writes code and then runs it. It stores a new
# `addi a0, zero, K` over the first instruction of `patch`, issues
# fence.i (Zifencei: "explicit synchronization between writes to
# instruction memory and instruction fetches on the same hart") and calls
# it, for K = 1..10. Without the fence an emulator that caches translated
# code may run the old instruction. It prints the sum of the results
# (55) and exits with it.
    .option arch, +zifencei
    .text
    .globl main
main:
    addi sp, sp, -16
    sw ra, 12(sp)
    sw s0, 8(sp)
    sw s1, 4(sp)
    li s0, 1                # K
    li s1, 0                # sum of what patch returned
1:  slli t0, s0, 20         # I-type immediate K in bits 31..20
    li t1, 0x00000513       # addi a0, zero, 0
    or t0, t0, t1
    la t2, patch
    sw t0, 0(t2)
    fence.i
    call patch
    add s1, s1, a0
    addi s0, s0, 1
    li t0, 11
    blt s0, t0, 1b
    la a0, message
    call print
    mv a0, s1
    call print_uint
    la a0, newline
    call print
    mv a0, s1
    lw ra, 12(sp)
    lw s0, 8(sp)
    lw s1, 4(sp)
    addi sp, sp, 16
    ret

# Writable code: its own section, in a segment that is written and executed.
    .section .smc, "awx"
    .align 2
patch:
    addi a0, zero, 0        # rewritten by main
    ret

    .section .rodata
message: .asciz "sum of patched results "
newline: .asciz "\n"
