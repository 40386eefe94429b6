# Loads and stores (RV32I 2.6). The effective address is rs1 + the
# sign-extended 12-bit offset; it must lie in the guest's GUEST_SIZE bytes
# (else the program stops with a load or store fault, where Linux would
# send SIGSEGV). Misaligned accesses are performed, byte by byte: the spec
# lets the execution environment do so ("misaligned accesses ... may be
# handled in hardware or by an invisible trap"), and qemu-user does.
# toy32 has no halfword loads or stores, and its lw/sw need alignment, so
# halfwords and misaligned words are built from bytes, little-endian.
#
#   S-type: | imm[11:5] 31..25 | rs2 | rs1 | funct3 | imm[4:0] 11..7 | opcode |

# a0 = the guest address of a load (rs1 + imm); a1 = the same as a toy32 address.
op_lw:
    add a0, a0, a1
    bgeu a0, sp, load_fault
    andi t2, a0, 3
    bnez t2, lw_misaligned
    add a1, a0, s2
    lw a0, 0(a1)
    j write_rd
lw_misaligned:
    addi t2, a0, 3
    bgeu t2, sp, load_fault
    add a1, a0, s2
    lbu a0, 0(a1)
    lbu t2, 1(a1)
    shli t2, t2, 8
    or a0, a0, t2
    lbu t2, 2(a1)
    shli t2, t2, 16
    or a0, a0, t2
    lbu t2, 3(a1)
    shli t2, t2, 24
    or a0, a0, t2
    j write_rd

op_lh:
    add a0, a0, a1
    addi t2, a0, 1
    bgeu t2, sp, load_fault
    add a1, a0, s2
    lbu a0, 0(a1)
    lb t2, 1(a1)                        # the high byte carries the sign
    shli t2, t2, 8
    or a0, a0, t2
    j write_rd

op_lhu:
    add a0, a0, a1
    addi t2, a0, 1
    bgeu t2, sp, load_fault
    add a1, a0, s2
    lbu a0, 0(a1)
    lbu t2, 1(a1)
    shli t2, t2, 8
    or a0, a0, t2
    j write_rd

op_lb:
    add a0, a0, a1
    bgeu a0, sp, load_fault
    add a1, a0, s2
    lb a0, 0(a1)
    j write_rd

op_lbu:
    add a0, a0, a1
    bgeu a0, sp, load_fault
    add a1, a0, s2
    lbu a0, 0(a1)
    j write_rd

load_fault:
    li a1, REASON_LOAD_FAULT
    mv a2, a0
    j fault

# Stores: a0 = the guest address (rs1 + the S-type offset), a1 = rs2's value.
op_sw:
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    srai a2, t0, 25                     # imm[11:5], sign-extended
    shli a2, a2, 5
    shri t3, t0, 7                      # imm[4:0]
    andi t3, t3, 31
    or a2, a2, t3
    add a0, a0, a2
    bgeu a0, sp, store_fault
    andi t2, a0, 3
    bnez t2, sw_misaligned
    add a0, a0, s2
    sw a1, 0(a0)
    addi s0, s0, 4
    j next
sw_misaligned:
    addi t2, a0, 3
    bgeu t2, sp, store_fault
    add a0, a0, s2
    sb a1, 0(a0)
    shri a1, a1, 8
    sb a1, 1(a0)
    shri a1, a1, 8
    sb a1, 2(a0)
    shri a1, a1, 8
    sb a1, 3(a0)
    addi s0, s0, 4
    j next

op_sh:
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    srai a2, t0, 25
    shli a2, a2, 5
    shri t3, t0, 7
    andi t3, t3, 31
    or a2, a2, t3
    add a0, a0, a2
    addi t2, a0, 1
    bgeu t2, sp, store_fault
    add a0, a0, s2
    sb a1, 0(a0)
    shri a1, a1, 8
    sb a1, 1(a0)
    addi s0, s0, 4
    j next

op_sb:
    shri t2, t0, 18
    andi t2, t2, 0x7c
    lw a1, REGS(t2)
    srai a2, t0, 25
    shli a2, a2, 5
    shri t3, t0, 7
    andi t3, t3, 31
    or a2, a2, t3
    add a0, a0, a2
    bgeu a0, sp, store_fault
    add a0, a0, s2
    sb a1, 0(a0)
    addi s0, s0, 4
    j next

store_fault:
    li a1, REASON_STORE_FAULT
    mv a2, a0
    j fault
