# Every register-register and register-immediate ALU instruction of RV32I
# on edge values: zero, one, -1, the largest and smallest int, shift
# amounts 0, 1, 31 and (from a register) 32 and 33, which use only their
# low five bits (RV32I 2.4: "shift amount held in the lower 5 bits").
# expect status: 0
    .include "macros.inc"
    .text
    .globl main
main:
    addi sp, sp, -16
    sw ra, 12(sp)
    .irp op, add, sub, sll, srl, sra, slt, sltu, xor, or, and
    .irp a, 0, 1, -1, 0x7fffffff, 0x80000000, 0x12345678
    .irp b, 0, 1, -1, 0x7fffffff, 0x80000000, 31, 32, 33
    rr \op, \a, \b
    .endr
    .endr
    .endr
    .irp op, addi, slti, sltiu, xori, ori, andi
    .irp a, 0, 1, -1, 0x7fffffff, 0x80000000, 2047, -2048
    .irp imm, 0, 1, -1, 2047, -2048, 0x555
    ri \op, \a, \imm
    .endr
    .endr
    .endr
    .irp op, slli, srli, srai
    .irp a, 1, -1, 0x80000000, 0x7fffffff, 0x12345678
    .irp imm, 0, 1, 7, 31
    ri \op, \a, \imm
    .endr
    .endr
    .endr
    .irp imm, 0, 1, 0x7ffff, 0x80000, 0xfffff
    lui a0, \imm
    call puthex
    .endr
    auipc a0, 0                         # the pc itself, the same address under both
    call puthex
    auipc a0, 0xfffff                   # pc - 4096
    call puthex
    addi zero, zero, 5                  # x0 ignores writes
    add zero, t5, t6
    lui zero, 1
    show zero
    li a0, 0
    lw ra, 12(sp)
    addi sp, sp, 16
    ret
