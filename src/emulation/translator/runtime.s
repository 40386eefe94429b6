# The translator's runtime, in toy32 assembly: what translated blocks
# jump to when they cannot go straight to another block. Blocks themselves
# are made by translate.ts into the code cache; the host is called (a
# `sys` trap the engine intercepts) only to translate a block that is not
# in the cache yet, or to flush the cache at FENCE.I.
#
#   toy32 physical memory
#   0x000000 +---------------------------+ runtime code (this file)
#   0x003000 | REGS: guest x0..x31        | the registers not held in toy32 registers
#   0x0030c0 | STATE                      | entry, reason, fault pc and address, counters
#   0x004000 +---------------------------+ LOOKUP: 4096 entries of (guest pc, block address)
#   0x00c000 +---------------------------+
#   0x100000 +---------------------------+ CODE_CACHE: translated blocks, bump-allocated
#   0x3f8000 +---------------------------+ BLOCK_COUNTS: one word per block, below GUEST_BASE
#   0x400000 +---------------------------+ GUEST_BASE: the guest's 8 MiB, as for the interpreter
#
# Registers of translated code: s2 (r12) = GUEST_BASE, sp (r13) = GUEST_SIZE;
# t3 (r8), t4 (r9), k0 (r15) are scratch; the other ten hold the guest's
# hottest registers (registers.ts). At a jump here t3 = the guest target;
# at a fault t4 = the guest pc and k0 = the reason.

    .equ REGS, 0x3000
    .equ STATE, 0x30c0
    .equ ENTRY, STATE + 0
    .equ REASON, STATE + 4
    .equ FAULT_PC, STATE + 8
    .equ FAULT_ADDR, STATE + 16
    .equ START_CYCLES, STATE + 20
    .equ LOOKUPS, STATE + 24            # lookups run (chained jumps skip them)
    .equ NEXT_PC, STATE + 28            # the guest pc after an ecall
    .equ LOOKUP, 0x4000
    .equ LOOKUP_MASK, 4095
    .equ GUEST_BASE, 0x400000
    .equ GUEST_SIZE, 0x800000

    .equ REASON_EXIT, 1
    .equ REASON_ILLEGAL, 2
    .equ REASON_FETCH_FAULT, 5
    .equ REASON_MISALIGNED_TARGET, 6
    .equ REASON_BREAKPOINT, 7


    .text
_start:
    li s2, GUEST_BASE
    li sp, GUEST_SIZE
    csrr t4, CYCLE
    sw t4, START_CYCLES(zero)
    lw t3, ENTRY(zero)
    j fill                              # load the mapped registers, then look the entry up

# t3 = a guest pc from a jalr: check it as the spec says, then look it up.
lookup_checked:
    andi k0, t3, 3
    bnez k0, misaligned_target
    bgeu t3, sp, fetch_fault
# t3 = a guest pc: go to its block, or have the host translate it.
lookup:
    lw k0, LOOKUPS(zero)
    addi k0, k0, 1
    sw k0, LOOKUPS(zero)
    shri t4, t3, 2
    andi t4, t4, LOOKUP_MASK
    shli t4, t4, 3
    lw k0, LOOKUP(t4)
    bne k0, t3, miss
    lw k0, LOOKUP + 4(t4)
    jalr zero, k0, 0
miss:
    sys                                 # the host translates t3's block and resumes in it

# FENCE.I: t3 = the next guest pc; the host drops every translation, then as `miss`.
flush:
    sys

misaligned_target:
    li k0, REASON_MISALIGNED_TARGET
    j fault
fetch_fault:
    li k0, REASON_FETCH_FAULT
# k0 = REASON_*, t4 = the guest pc, t3 = the guest address. The mapped
# registers keep the guest's values, for the host to read.
fault:
    sw k0, REASON(zero)
    sw t4, FAULT_PC(zero)
    sw t3, FAULT_ADDR(zero)
    halt

# ECALL: translated code has stored every mapped register to REGS and put
# the ecall's pc in t4; the call is shared/syscalls.s, which comes back to
# syscall_done to reload the mapped registers and go on after the ecall.
ecall:
    addi t4, t4, 4
    sw t4, NEXT_PC(zero)
    j linux_syscall
syscall_done:
    lw t3, NEXT_PC(zero)
    j fill
