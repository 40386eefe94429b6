# The dispatch table's contents: (key, handler) pairs, key = funct3 << 12
# | opcode (RV32I chapter 24, "RV32/64G Instruction Set Listings"), or
# opcode | ANY_FUNCT3 where the opcode has no funct3. _start copies them
# into TABLE; every key not here is an illegal instruction.
    .equ OP_LUI, 0x37
    .equ OP_AUIPC, 0x17
    .equ OP_JAL, 0x6f
    .equ OP_JALR, 0x67
    .equ OP_BRANCH, 0x63
    .equ OP_LOAD, 0x03
    .equ OP_STORE, 0x23
    .equ OP_IMM, 0x13
    .equ OP_REG, 0x33
    .equ OP_MISC_MEM, 0x0f
    .equ OP_SYSTEM, 0x73

    .data
    .align 4
handlers:
    .word OP_LUI | ANY_FUNCT3, op_lui
    .word OP_AUIPC | ANY_FUNCT3, op_auipc
    .word OP_JAL | ANY_FUNCT3, op_jal
    .word OP_JALR | 0 << 12, op_jalr
    .word OP_BRANCH | 0 << 12, op_beq
    .word OP_BRANCH | 1 << 12, op_bne
    .word OP_BRANCH | 4 << 12, op_blt
    .word OP_BRANCH | 5 << 12, op_bge
    .word OP_BRANCH | 6 << 12, op_bltu
    .word OP_BRANCH | 7 << 12, op_bgeu
    .word OP_LOAD | 0 << 12, op_lb
    .word OP_LOAD | 1 << 12, op_lh
    .word OP_LOAD | 2 << 12, op_lw
    .word OP_LOAD | 4 << 12, op_lbu
    .word OP_LOAD | 5 << 12, op_lhu
    .word OP_STORE | 0 << 12, op_sb
    .word OP_STORE | 1 << 12, op_sh
    .word OP_STORE | 2 << 12, op_sw
    .word OP_IMM | 0 << 12, op_addi
    .word OP_IMM | 1 << 12, op_slli
    .word OP_IMM | 2 << 12, op_slti
    .word OP_IMM | 3 << 12, op_sltiu
    .word OP_IMM | 4 << 12, op_xori
    .word OP_IMM | 5 << 12, op_srli_srai
    .word OP_IMM | 6 << 12, op_ori
    .word OP_IMM | 7 << 12, op_andi
    .word OP_REG | 0 << 12, op_add_sub
    .word OP_REG | 1 << 12, op_sll
    .word OP_REG | 2 << 12, op_slt
    .word OP_REG | 3 << 12, op_sltu
    .word OP_REG | 4 << 12, op_xor
    .word OP_REG | 5 << 12, op_srl_sra
    .word OP_REG | 6 << 12, op_or
    .word OP_REG | 7 << 12, op_and
    .word OP_MISC_MEM | 0 << 12, op_fence
    .word OP_MISC_MEM | 1 << 12, op_fence
    .word OP_SYSTEM | 0 << 12, op_system
handlers_end:
