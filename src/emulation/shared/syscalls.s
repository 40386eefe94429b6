# The Linux system calls both engines give an RV32I program (the RISC-V
# Linux ABI: the number in a7 = x17, arguments in a0.. = x10.., the result
# in a0): write (64) and exit (93, and exit_group 94); any other number
# returns -ENOSYS, as Linux does for one it lacks. Both engines come here
# at ECALL with the guest's registers in REGS, s2 = GUEST_BASE and
# sp = GUEST_SIZE, and each defines `syscall_done`, where the guest goes on
# with a0 stored, and REASON and REASON_EXIT, which exit sets before halt.
    .equ SYS_WRITE, 64
    .equ SYS_EXIT, 93
    .equ SYS_EXIT_GROUP, 94
    .equ ENOSYS, 38
    .equ EBADF, 9
    .equ EFAULT, 14
    .equ CONSOLE, 0xffff0000
    .equ X_A0, REGS + 4 * 10
    .equ X_A1, REGS + 4 * 11
    .equ X_A2, REGS + 4 * 12
    .equ X_A7, REGS + 4 * 17

linux_syscall:
    lw t1, X_A7(zero)
    li t2, SYS_WRITE
    beq t1, t2, sys_write
    li t2, SYS_EXIT
    beq t1, t2, sys_exit
    li t2, SYS_EXIT_GROUP
    beq t1, t2, sys_exit
    li a0, -ENOSYS
    j sys_return

# write(fd, buf, len): fd 1 is the console; the bytes must lie in guest memory.
sys_write:
    lw a1, X_A0(zero)
    lw a2, X_A1(zero)
    lw a3, X_A2(zero)
    li a0, -EBADF
    li t2, 1
    bne a1, t2, sys_return
    li a0, -EFAULT
    bgeu a2, sp, sys_return
    sub t2, sp, a2                      # bytes from buf to the end of guest memory
    bltu t2, a3, sys_return
    add a2, a2, s2
    li t3, CONSOLE
    mv t4, a3
write_byte:
    beqz t4, write_done
    lbu t2, 0(a2)
    sb t2, 0(t3)
    addi a2, a2, 1
    addi t4, t4, -1
    j write_byte
write_done:
    mv a0, a3
sys_return:
    sw a0, X_A0(zero)
    j syscall_done

sys_exit:
    li t1, REASON_EXIT
    sw t1, REASON(zero)
    lw a0, X_A0(zero)
    halt
