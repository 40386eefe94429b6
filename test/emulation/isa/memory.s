# Loads with sign and zero extension at every offset of a word, aligned
# and not (qemu-user performs misaligned accesses, as the spec allows an
# execution environment to), negative offsets, and stores of each width
# at every offset of a zeroed buffer, read back word by word.
# expect status: 0
    .include "macros.inc"
    .data
    .align 4
pattern: .byte 0x80, 0xff, 0x7f, 0x01, 0x00, 0x80, 0xfe, 0x7f, 0x11, 0x22, 0x33, 0x44
buffer: .space 24
    .text
    .globl main
main:
    addi sp, sp, -16
    sw ra, 12(sp)
    sw s0, 8(sp)
    la s0, pattern
    .irp off, 0, 1, 2, 3, 4, 5, 6, 7
    lb a0, \off(s0)
    call puthex
    lbu a0, \off(s0)
    call puthex
    lh a0, \off(s0)
    call puthex
    lhu a0, \off(s0)
    call puthex
    lw a0, \off(s0)
    call puthex
    .endr
    addi s0, s0, 8                      # negative offsets
    lw a0, -8(s0)
    call puthex
    lh a0, -3(s0)
    call puthex
    lb a0, -1(s0)
    call puthex
    la s0, buffer
    li t0, 0x8899aabb
    .irp off, 0, 1, 2, 3
    sw t0, \off(s0)
    .endr
    .irp off, 5, 6, 7, 9
    sh t0, \off + 4(s0)
    .endr
    .irp off, 15, 17, 18
    sb t0, \off(s0)
    .endr
    .irp word, 0, 4, 8, 12, 16, 20
    lw a0, \word(s0)
    call puthex
    .endr
    li a0, 0
    lw s0, 8(sp)
    lw ra, 12(sp)
    addi sp, sp, 16
    ret
