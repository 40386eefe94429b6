# Integer computational instructions (RV32I 2.4): OP-IMM, OP, LUI, AUIPC.
# The dispatch (loop.s) has loaded rs1 into a0 and the I-type immediate
# into a1; a handler reads rs2 if it needs it, computes into a0 and ends at
# write_rd. Field positions (RV32I 2.2, "Base Instruction Formats"):
#
#   31      25 24  20 19  15 14  12 11   7 6      0
#   | funct7  |  rs2 |  rs1 |funct3|  rd  | opcode |  R
#   |   imm[11:0]    |  rs1 |funct3|  rd  | opcode |  I
#   |        imm[31:12]            |  rd  | opcode |  U
#
# rs2 at bit 20 becomes a byte offset into REGS by a shift by 18 (leaving
# the register number times 4) and a mask 0x7c. toy32's andi/ori/xori
# zero-extend their immediates, so the I-type immediate, sign-extended by
# the dispatch's `srai a1, t0, 20`, is used from a register.

# --- OP-IMM -----------------------------------------------------------------
op_addi:
    add a0, a0, a1
    j write_rd

op_slti:
    slt a0, a0, a1
    j write_rd

op_sltiu:                               # the immediate is sign-extended, then compared unsigned
    sltu a0, a0, a1
    j write_rd

op_xori:
    xor a0, a0, a1
    j write_rd

op_ori:
    or a0, a0, a1
    j write_rd

op_andi:
    and a0, a0, a1
    j write_rd

# Shifts by an immediate: shamt is imm[4:0]; imm[11:5] is 0 (SLLI, SRLI) or
# 0x20 (SRAI), anything else is illegal in RV32I. toy32's shifts use the
# low five bits of the amount, as RISC-V's do.
op_slli:
    shri a1, t0, 25
    bnez a1, illegal
    shri a1, t0, 20
    shl a0, a0, a1
    j write_rd

op_srli_srai:
    shri a1, t0, 25
    beqz a1, op_srli
    li a2, 0x20
    bne a1, a2, illegal
    shri a1, t0, 20
    sra a0, a0, a1
    j write_rd
op_srli:
    shri a1, t0, 20
    shr a0, a0, a1
    j write_rd

# --- OP: funct7 is 0, or 0x20 for SUB and SRA; anything else (M's 1) is illegal.
op_add_sub:
    shri a2, t0, 25
    beqz a2, op_add
    li a3, 0x20
    bne a2, a3, illegal
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    sub a0, a0, a1
    j write_rd
op_add:
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    add a0, a0, a1
    j write_rd

op_srl_sra:
    shri a2, t0, 25
    beqz a2, op_srl
    li a3, 0x20
    bne a2, a3, illegal
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    sra a0, a0, a1
    j write_rd
op_srl:
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    shr a0, a0, a1
    j write_rd

# SLL, SLT, SLTU, XOR, OR, AND: funct7 must be 0.
op_sll:
    shri a2, t0, 25
    bnez a2, illegal
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    shl a0, a0, a1
    j write_rd

op_slt:
    shri a2, t0, 25
    bnez a2, illegal
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    slt a0, a0, a1
    j write_rd

op_sltu:
    shri a2, t0, 25
    bnez a2, illegal
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    sltu a0, a0, a1
    j write_rd

op_xor:
    shri a2, t0, 25
    bnez a2, illegal
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    xor a0, a0, a1
    j write_rd

op_or:
    shri a2, t0, 25
    bnez a2, illegal
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    or a0, a0, a1
    j write_rd

op_and:
    shri a2, t0, 25
    bnez a2, illegal
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    and a0, a0, a1
    j write_rd

# --- U-type ---------------------------------------------------------------
op_lui:
    shri a0, t0, 12
    shli a0, a0, 12
    j write_rd

op_auipc:
    shri a0, t0, 12
    shli a0, a0, 12
    sub a1, s0, s2                      # the guest pc
    add a0, a0, a1
    j write_rd
