# sleep.s: sleeping inside the kernel, and waking (xv6 proc.c sleep() and
# wakeup()). A process whose system call must wait for a device (a disk
# block, kernel/disk.s) keeps its kernel context on its own kernel stack:
# ksleep saves the callee-saved registers there, records the stack pointer
# and the channel in the process's kernel page, marks it P_BLOCKED and runs
# the scheduler; wakeup(channel) makes it runnable again, and when the
# scheduler picks it, kresume puts its stack back and ksleep returns to its
# caller as if it had been a call. Every other process runs meanwhile (or
# the machine idles, if none can).
#
# Each process-table slot has a kernel page of KPAGE_SIZE bytes in
# kernel_pages (PROC_KSTACK points at it; proc_alloc clears its header), in
# the way Linux kept thread_info at the base of a task's kernel stack:
#
#   +0    KP_SP      stack pointer saved by ksleep (0: not asleep in the kernel)
#   +4    KP_CHAN    the channel it sleeps on (an address)
#   +8    KP_KILLED  1: killed while asleep; it exits on its way back to user mode
#   +12   KP_CWD     its current directory (an in-memory inode, kernel/fs.s)
#   +16   KP_FILES   NOFILE open files (kernel/file.s), 0 = a free descriptor
#   +KP_HEADER       (cleared up to here when the slot is taken)
#         ...
#   +KPAGE_SIZE      top of its kernel stack (trap_entry starts here), growing down
#
# The kernel is never preempted and runs with interrupts masked, so nothing
# can happen between a test of a condition and the ksleep that waits for
# it: a wakeup is never lost (xv6 needs a lock for this; one CPU with
# interrupts off needs none).

        .text
# ksleep: a0 = channel. Sleeps the current process until wakeup(a0).
# Keeps s0..s2 and sp; clobbers every other register.
ksleep:
        push ra
        push s0
        push s1
        push s2
        la   t0, current
        lw   t0, 0(t0)
        lw   t1, PROC_KSTACK(t0)
        sw   sp, KP_SP(t1)
        sw   a0, KP_CHAN(t1)
        li   t2, P_BLOCKED
        sw   t2, PROC_STATE(t0)
        la   t0, blocked
        lw   t1, 0(t0)
        addi t1, t1, 1
        sw   t1, 0(t0)
        j    schedule

# kresume: a0 = a process the scheduler picked that sleeps in the kernel
# (KP_SP != 0); its address space is current. Returns from its ksleep.
kresume:
        lw   t1, PROC_KSTACK(a0)
        lw   sp, KP_SP(t1)
        sw   zero, KP_SP(t1)
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# wakeup: a0 = channel. Every process asleep on it becomes runnable.
# Clobbers t0..t4.
wakeup:
        la   t4, blocked
        la   t0, proc_table
        addi t1, t0, NPROC * PROC_SIZE
wakeup_loop:
        lw   t2, PROC_STATE(t0)
        li   t3, P_BLOCKED
        bne  t2, t3, wakeup_next
        lw   t2, PROC_KSTACK(t0)
        lw   t2, KP_CHAN(t2)
        bne  t2, a0, wakeup_next
        li   t2, P_RUNNABLE
        sw   t2, PROC_STATE(t0)
        lw   t2, 0(t4)
        addi t2, t2, -1
        sw   t2, 0(t4)
wakeup_next:
        addi t0, t0, PROC_SIZE
        bne  t0, t1, wakeup_loop
        ret

        .data
        .align 4
blocked:        .word 0             # processes asleep in the kernel (the
                                    # scheduler idles, not halts, while any are)
        .align 16
kernel_pages:                       # NPROC kernel pages, one per slot
        .space NPROC * KPAGE_SIZE
