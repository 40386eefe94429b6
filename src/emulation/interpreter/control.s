# Control transfer instructions (RV32I 2.5): conditional branches, JAL,
# JALR. Targets are pc-relative in multiples of two bytes; "an
# instruction-address-misaligned exception is generated on a taken branch
# or unconditional jump if the target address is not four-byte aligned"
# (RV32I 2.2), reported at the jump itself. A target outside the guest's
# memory stops the program at the jump (Linux: SIGSEGV at the fetch).
#
#   B-type: | imm[12] 31 | imm[10:5] 30..25 | rs2 | rs1 | funct3 | imm[4:1] 11..8 | imm[11] 7 | opcode |
#   J-type: | imm[20] 31 | imm[10:1] 30..21 | imm[11] 20 | imm[19:12] 19..12 | rd | opcode |

# Each branch compares rs1 (a0) with rs2 (a1) and goes on at `taken`, or steps.
op_beq:
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    beq a0, a1, taken
    addi s0, s0, 4
    j next

op_bne:
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    bne a0, a1, taken
    addi s0, s0, 4
    j next

op_blt:
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    blt a0, a1, taken
    addi s0, s0, 4
    j next

op_bge:
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    bge a0, a1, taken
    addi s0, s0, 4
    j next

op_bltu:
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    bltu a0, a1, taken
    addi s0, s0, 4
    j next

op_bgeu:
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    bgeu a0, a1, taken
    addi s0, s0, 4
    j next

# A taken branch: assemble the B-type offset in a2, then go to pc + a2.
taken:
    srai a2, t0, 31                     # imm[31:12] = the sign, w[31]
    shli a2, a2, 12
    shri t1, t0, 20                     # imm[10:5] = w[30:25]
    andi t1, t1, 0x7e0
    or a2, a2, t1
    shri t1, t0, 7                      # imm[4:1] = w[11:8]
    andi t1, t1, 0x1e
    or a2, a2, t1
    shli t1, t0, 4                      # imm[11] = w[7]
    andi t1, t1, 0x800
    or a2, a2, t1
    add a3, s0, a2                      # the target, as a toy32 address
    j go

op_jal:
    srai a2, t0, 31                     # imm[31:20] = the sign, w[31]
    shli a2, a2, 20
    shri t1, t0, 12                     # imm[19:12] = w[19:12]
    andi t1, t1, 0xff
    shli t1, t1, 12
    or a2, a2, t1
    shri t1, t0, 9                      # imm[11] = w[20]
    andi t1, t1, 0x800
    or a2, a2, t1
    shri t1, t0, 20                     # imm[10:1] = w[30:21]
    andi t1, t1, 0x7fe
    or a2, a2, t1
    add a3, s0, a2
    j link

# JALR: target = (rs1 + imm) with bit 0 cleared; rd = pc + 4 (rd may be rs1).
op_jalr:
    add a0, a0, a1
    shri a0, a0, 1
    shli a0, a0, 1
    add a3, a0, s2

# a3 = the target as a toy32 address: write rd = pc + 4, then jump.
link:
    sub a2, a3, s2                      # the target, as a guest address
    andi t1, a2, 3
    bnez t1, misaligned_target
    bgeu a2, sp, fetch_fault
    sub a0, s0, s2
    addi a0, a0, 4
    shri t1, t0, 5
    andi t1, t1, 0x7c
    sw a0, REGS(t1)
    sw zero, REGS(zero)
    mv s0, a3
    j next

# a3 = the target as a toy32 address: check it, then jump.
go:
    sub a2, a3, s2
    andi t1, a2, 3
    bnez t1, misaligned_target
    bgeu a2, sp, fetch_fault
    mv s0, a3
    j next

misaligned_target:
    li a1, REASON_MISALIGNED_TARGET
    j fault

fetch_fault:
    li a1, REASON_FETCH_FAULT
    j fault
