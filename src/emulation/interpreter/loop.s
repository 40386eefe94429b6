# An RV32I interpreter in toy32 assembly: the RISC-V unprivileged spec
# (version 2.1, chapter 2 "RV32I Base Integer Instruction Set") executed
# one instruction at a time by the toy32 CPU. Fetch, decode, dispatch
# through a table, execute on a guest register file in toy32 memory.
# Every cost is toy32 cycles: this is a program, not a model of one.
#
#   toy32 physical memory
#   0x000000 +---------------------------+ illegal: (empty table entries lead here)
#            | code (loop.s, alu.s, ...) |
#   0x003000 +---------------------------+ REGS: guest x0..x31, 4 bytes each
#   0x0030c0 | STATE: entry, reason, ... | what the host reads after halt
#   0x004000 +---------------------------+ TABLE: for each key funct3 << 12 | opcode,
#            |                           |   (handler, instructions run), 8 bytes
#   0x03c400 +---------------------------+
#   0x400000 +---------------------------+ GUEST_BASE: guest address 0
#            | the guest's 8 MiB         |   (ELF segments, stack at the top)
#   0xc00000 +---------------------------+ a guard: never written, reads as zero
#
# Registers while the loop runs:
#   s0  the guest pc, as a toy32 address (guest pc + GUEST_BASE)
#   s2  GUEST_BASE             sp  GUEST_SIZE (bound of every guest address)
#   t0  the instruction word   a0 rs1, a1 the I-type immediate (at a handler's start)
#
# Dispatch: the table is indexed by the instruction's bits 14..12 (funct3)
# and 6..0 (opcode), w & 0x707f, so one load finds the handler of, say,
# ADDI or BNE without a second decode, and the word beside it counts the
# instructions of that key (the host sums them by class). The dispatch also
# reads rs1 into a0 and the I-type immediate into a1, which most handlers
# need. The table is filled at startup from `handlers` (in .data); an entry
# left empty holds 0, the address of `illegal`. Guest addresses are checked against GUEST_SIZE before every
# load, store and jump, so a guest can never touch the interpreter.

    .equ REGS, 0x3000
    .equ STATE, 0x30c0
    .equ ENTRY, STATE + 0               # written by the host: the ELF entry point
    .equ REASON, STATE + 4              # why the interpreter halted (REASON_*)
    .equ FAULT_PC, STATE + 8            # guest pc of the faulting instruction
    .equ FAULT_WORD, STATE + 12         # the instruction
    .equ FAULT_ADDR, STATE + 16         # the guest address it used, if any
    .equ START_CYCLES, STATE + 20       # CYCLE when the loop began (after the table fill)
    .equ TABLE, 0x4000
    .equ TABLE_END, TABLE + 8 * 0x7080
    .equ GUEST_BASE, 0x400000
    .equ GUEST_SIZE, 0x800000
    .equ ANY_FUNCT3, 0x8000             # a `handlers` key flag: every funct3

    .equ REASON_EXIT, 1
    .equ REASON_ILLEGAL, 2
    .equ REASON_LOAD_FAULT, 3
    .equ REASON_STORE_FAULT, 4
    .equ REASON_FETCH_FAULT, 5          # a jump or branch out of the guest's memory
    .equ REASON_MISALIGNED_TARGET, 6    # a jump or branch to an address not a multiple of 4
    .equ REASON_BREAKPOINT, 7

    .text
# Address 0: an instruction no handler takes (t0), at s0.
illegal:
    li a1, REASON_ILLEGAL
    li a2, 0
    j fault

# Startup: fill the dispatch table, set up the loop's registers.
_start:
    la t1, handlers
    la t2, handlers_end
fill:
    beq t1, t2, filled
    lw t3, 0(t1)
    lw t4, 4(t1)
    addi t1, t1, 8
    andi a0, t3, ANY_FUNCT3
    bnez a0, fill_any
    shli t3, t3, 3
    sw t4, TABLE(t3)
    j fill
fill_any:                               # the same handler for funct3 = 0..7
    andi t3, t3, 0x7f
    li a1, 8
fill_funct3:
    shli a0, t3, 3
    sw t4, TABLE(a0)
    addi t3, t3, 0x1000
    addi a1, a1, -1
    bnez a1, fill_funct3
    j fill
filled:
    li s2, GUEST_BASE
    li sp, GUEST_SIZE
    lw s0, ENTRY(zero)
    add s0, s0, s2
    csrr t1, CYCLE
    sw t1, START_CYCLES(zero)

# The loop: fetch, count, read rs1 and the I-type immediate, dispatch.
next:
    lw t0, 0(s0)
    andi t1, t0, 0x707f
    shli t1, t1, 3
    lw t2, TABLE + 4(t1)
    addi t2, t2, 1
    sw t2, TABLE + 4(t1)
    shri t3, t0, 13
    andi t3, t3, 0x7c
    lw a0, REGS(t3)
    srai a1, t0, 20
    lw t1, TABLE(t1)
    jalr zero, t1, 0

# Handlers end here with the result in a0: write rd (x0 stays zero), step pc.
write_rd:
    shri t1, t0, 5
    andi t1, t1, 0x7c
    sw a0, REGS(t1)
    sw zero, REGS(zero)
    addi s0, s0, 4
    j next

# Stop: a1 = REASON_*, a2 = the guest address involved; t0 and s0 as fetched.
fault:
    sw a1, REASON(zero)
    sub t1, s0, s2
    sw t1, FAULT_PC(zero)
    sw t0, FAULT_WORD(zero)
    sw a2, FAULT_ADDR(zero)
    li a0, 0
    halt
