# trap.s: the trap entry and what it dispatches to: system calls, the
# timer, faults (the process is killed).

# The platform delivers a trap from user mode to trap_entry with every
# register as the process left it but k0 (platform-native.s: the machine
# set EPC, CAUSE and BADVA and jumped to TVEC, ISA.md "Traps and
# interrupts"; platform-pv.s: the hypervisor wrote its trap frame), and
# plat_trap_info then says what happened.

        .text
# trap_entry: saves the process's registers in its table entry (k0 is the
# only free register until then), switches to its own kernel stack (the
# top of its kernel page, sleep.s: a process asleep in the kernel keeps
# its frames there while others trap), records
# the trap's EPC in the entry and its CAUSE in trap_cause, and dispatches
# on CAUSE, with s0 = the current process.
        .align 4
trap_entry:
        la   k0, current
        lw   k0, 0(k0)
        sw   a0, PROC_A0(k0)
        sw   a1, PROC_A1(k0)
        sw   a2, PROC_A2(k0)
        sw   a3, PROC_A3(k0)
        sw   t0, PROC_T0(k0)
        sw   t1, PROC_T1(k0)
        sw   t2, PROC_T2(k0)
        sw   t3, PROC_T3(k0)
        sw   t4, PROC_T4(k0)
        sw   s0, PROC_S0(k0)
        sw   s1, PROC_S1(k0)
        sw   s2, PROC_S2(k0)
        sw   sp, PROC_SP(k0)
        sw   ra, PROC_RA(k0)
        mv   s0, k0
        lw   sp, PROC_KSTACK(k0)
        addi sp, sp, KPAGE_SIZE
        call plat_trap_info         # a0 = CAUSE, a1 = EPC
        sw   a1, PROC_EPC(s0)
        la   t0, trap_cause
        sw   a0, 0(t0)
        li   t1, CAUSE_SYSCALL
        beq  a0, t1, trap_syscall
        li   t1, CAUSE_TIMER
        beq  a0, t1, trap_timer
        addi t1, a0, -CAUSE_PAGE_FAULT_LOAD
        li   t2, 3
        bltu t1, t2, trap_page_fault    # CAUSE 5..7: pager.s may mend it
        li   t1, CAUSE_TIMER
        bltu a0, t1, trap_kill      # an exception: the process's fault
        li   t1, CAUSE_DISK
        bne  a0, t1, trap_resume    # another interrupt: nothing to do here
        call disk_intr              # a request is done: wake its sleeper
trap_resume:
        mv   a0, s0
        j    resume

# trap_timer: the process's time slice is over: run the next one.
trap_timer:
        j    schedule

# trap_page_fault: the pager (pager.s page_fault) maps a page touched for
# the first time, reads one back from swap, or copies a copy-on-write page
# on a store; the access is retried. Any other is the process's fault; a
# page it could not find memory for (no swap) kills it too:
#
#   [kernel] pid 3 killed: no memory for the page at 0x40005000
trap_page_fault:
        call plat_fault_address
        mv   s2, a0                 # BADVA now: the pager's own accesses
        la   t0, trap_cause         # may take (software-TLB) refills
        lw   a1, 0(t0)
        call page_fault             # may sleep on the disk (swap)
        lw   t0, PROC_KSTACK(s0)
        lw   t0, KP_KILLED(t0)
        bnez t0, trap_syscall_killed    # killed meanwhile: it ends now
        li   t0, PF_RETRY
        beq  a0, t0, trap_page_retry
        beqz a0, trap_kill_badva
        la   a0, msg_pid
        call kputs
        lw   a0, PROC_PID(s0)
        call kputdec
        la   a0, msg_nomem
        call kputs
        mv   a0, s2
        call kputhex
        li   a0, 10
        call kputc
        j    trap_kill_exit
trap_page_retry:
        mv   a0, s0
        j    resume

# trap_syscall: dispatches through syscalls[a0] (xv6 syscall()): the handler
# gets a1..a3 as a0..a2 and s0 = the process; its a0 is the result.
trap_syscall:
        call plat_irq_save          # save the interrupt state and mask
        push t4
        lw   t0, PROC_EPC(s0)
        addi t0, t0, 4              # return after the `sys`
        sw   t0, PROC_EPC(s0)
        lw   a0, PROC_A0(s0)        # the call and its arguments, as saved
        lw   a1, PROC_A1(s0)
        lw   a2, PROC_A2(s0)
        lw   a3, PROC_A3(s0)
        li   t0, NSYSCALLS
        bgeu a0, t0, trap_syscall_bad
        shli t0, a0, 2
        la   t1, syscalls
        add  t1, t1, t0
        lw   t1, 0(t1)
        mv   a0, a1
        mv   a1, a2
        mv   a2, a3
        jalr ra, t1, 0
trap_syscall_return:
        sw   a0, PROC_A0(s0)
        pop  t4
        call plat_irq_restore       # restore the interrupt state
        lw   t0, PROC_KSTACK(s0)
        lw   t0, KP_KILLED(t0)
        bnez t0, trap_syscall_killed
        mv   a0, s0
        j    resume
# trap_syscall_killed: killed while it slept in the kernel (sys_kill counted
# it then): it ends now, on its way back to user mode, as xv6's usertrap
# checks p->killed.
trap_syscall_killed:
        la   t0, killed
        lw   t1, 0(t0)
        addi t1, t1, 1
        sw   t1, 0(t0)
        mv   a0, s0
        li   a1, -1
        call proc_exit
        j    schedule
trap_syscall_bad:                   # a number past syscalls[]: the
        j    ns_syscall             # namespaces' (ns-syscall.s), or -1
        j    trap_syscall_return    # (not reached: keeps the size it had)

# trap_kill: the process faulted: report it, kill it, run another. A
# memory fault (CAUSE 5..8) names the address it touched (BADVA), any
# other the instruction's address:
#
#   [kernel] pid 3 killed: PAGE_FAULT_STORE at 0x00000000
#   [kernel] pid 1 killed: PRIVILEGED_INSTRUCTION at pc 0x40000000
trap_kill:
        call plat_fault_address
        mv   s2, a0                 # s2 = BADVA
trap_kill_badva:
        la   t0, trap_cause
        lw   s1, 0(t0)              # s1 = CAUSE
        la   a0, msg_pid
        call kputs
        lw   a0, PROC_PID(s0)
        call kputdec
        la   a0, msg_killed
        call kputs
        mv   a0, s1
        call kputcause
        la   a0, msg_at
        addi t0, s1, -CAUSE_PAGE_FAULT_LOAD
        li   t1, 4
        bltu t0, t1, trap_kill_where    # CAUSE 5..8: a memory fault, at BADVA
        lw   s2, PROC_EPC(s0)           # any other: at the instruction
        la   a0, msg_at_pc
trap_kill_where:
        call kputs
        mv   a0, s2
        call kputhex
        li   a0, 10
        call kputc
trap_kill_exit:
        la   t0, killed
        lw   t1, 0(t0)
        addi t1, t1, 1
        sw   t1, 0(t0)
        mv   a0, s0
        li   a1, -1
        call proc_exit
        j    schedule

        .data
        .align 4
trap_cause:     .word 0             # the last trap's CAUSE (plat_trap_info)
msg_nomem:      .asciz " killed: no memory for the page at 0x"
