# FENCE, FENCE.I (RV32I 2.7 and Zifencei), ECALL and EBREAK (2.8).
# The interpreter fetches every instruction from guest memory afresh, so
# neither fence has anything to do here. ECALL makes a Linux system call
# (shared/syscalls.s).

op_fence:
    addi s0, s0, 4
    j next

# SYSTEM with funct3 = 0: ECALL and EBREAK are whole words; the rest
# (MRET, WFI, ...) are privileged, and illegal to a user program.
op_system:
    li t1, 0x00000073
    beq t0, t1, ecall
    li t1, 0x00100073
    beq t0, t1, ebreak
    j illegal

ebreak:
    li a1, REASON_BREAKPOINT
    li a2, 0
    j fault

ecall:
    j linux_syscall                     # shared/syscalls.s; it comes back here:
syscall_done:
    addi s0, s0, 4
    j next
