# proc.s: processes: creating them from the boot table (what exec does),
# their exit, the round-robin scheduler with its idle loop, and the return
# to user mode.

        .text

# proc_init: creates a process for each of the first BT_PROCS boot-table
# entries, in order, so the first program is pid 1: every entry, or with
# BT_INIT only the first, init, which starts the others (exec.s
# sys_bootexec) and inherits orphans (proc_exit).
proc_init:
        push ra
        push s0
        push s1
        li   t0, BOOT_TABLE_KVA
        lw   s1, BT_PROCS(t0)       # s1 = programs left
        li   s0, BOOT_TABLE_KVA + BT_ENTRIES
proc_init_loop:
        beqz s1, proc_init_done
        mv   a0, s0
        call proc_create
        addi s0, s0, BTE_SIZE
        addi s1, s1, -1
        j    proc_init_loop
proc_init_done:
        pop  s1
        pop  s0
        pop  ra
        ret

# init_entry: returns a0 = init's table entry (the first: proc_init made
# it first), or 0 when the boot table has no BT_INIT. Clobbers t4.
init_entry:
        li   t4, BOOT_TABLE_KVA
        lw   a0, BT_INIT(t4)
        beqz a0, init_entry_out
        la   a0, proc_table
init_entry_out:
        ret

# proc_alloc: returns a0 = an unused process-table entry, or 0, its PID
# and COMM cleared (what is left there is a reaped process's). Its KSTACK
# is its slot's kernel page (sleep.s), whose header is cleared.
# Clobbers t0..t2.
proc_alloc:
        la   a0, proc_table
        addi t1, a0, NPROC * PROC_SIZE
        la   t2, kernel_pages
proc_alloc_loop:
        lw   t0, PROC_STATE(a0)
        beqz t0, proc_alloc_found
        addi a0, a0, PROC_SIZE
        addi t2, t2, KPAGE_SIZE
        bne  a0, t1, proc_alloc_loop
        li   a0, 0
        ret
proc_alloc_found:
        sw   zero, PROC_PID(a0)
        sw   zero, PROC_COMM(a0)
        sw   t2, PROC_KSTACK(a0)
        addi t1, t2, KP_HEADER
proc_alloc_clear:
        sw   zero, 0(t2)
        addi t2, t2, 4
        bne  t2, t1, proc_alloc_clear
        ret

# proc_create: a0 = a boot-table entry. Makes a process of it: a new
# table entry (its registers zero: no process has used it yet) and page
# directory, then the program's regions (proc_image).
proc_create:
        push ra
        push s0
        push s1
        mv   s1, a0                 # s1 = boot-table entry
        call proc_alloc
        beqz a0, too_many_programs
        mv   s0, a0                 # s0 = process
        call uvm_create
        beqz a0, out_of_memory
        sw   a0, PROC_PGDIR(s0)
        la   t0, next_pid
        lw   t1, 0(t0)
        sw   t1, PROC_PID(s0)
        addi t1, t1, 1
        sw   t1, 0(t0)
        li   t0, P_RUNNABLE
        sw   t0, PROC_STATE(s0)
        mv   a0, s1
        mv   a1, s0
        pop  s1
        pop  s0
        pop  ra
        j    proc_image             # its ret is ours

# proc_image: a0 = a boot-table entry, a1 = a process with an empty page
# directory and every register zero. Gives it the entry's program (what
# exec does): the regions (pager.s) of the image at USER_BASE, an empty
# heap after it, the stack below USER_STACK_TOP, each page mapped when
# first touched; it starts at the entry point with sp at the stack's top.
# Clobbers t0, t1.
proc_image:
        lw   t0, BTE_LENGTH(a0)     # nothing is mapped yet: the image,
        addi t0, t0, PAGE_SIZE - 1  # heap and stack pages come in when
        shri t0, t0, 12             # first touched (pager.s)
        shli t0, t0, 12
        li   t1, USER_BASE
        add  t0, t0, t1             # the page after the image
        sw   t0, PROC_BRK(a1)
        sw   t0, PROC_HEAP(a1)
        lw   t0, BTE_ENTRY(a0)
        sw   t0, PROC_EPC(a1)
        li   t0, USER_STACK_TOP
        sw   t0, PROC_SP(a1)
        li   t0, BOOT_TABLE_KVA + BT_ENTRIES
        sub  t0, a0, t0
        shri t0, t0, 4              # BTE_SIZE = 16
        sw   t0, PROC_PROG(a1)
        sw   zero, PROC_COMM(a1)    # named by its boot-table program
        ret

# proc_exit: a0 = process, a1 = exit status. Closes its files, marks it exited; its exited
# children are reaped and the live ones orphaned (PARENT = init's entry,
# 0 without init); a parent sleeping in wait is woken. Frees its memory; if it is the running
# process, first moves onto the kernel's own page directory (ASID 0), as
# xv6's switchkvm() does, since the process's directory is about to be
# freed (and kfree writes into it).
proc_exit:
        push ra
        push s1
        mv   s1, a0                 # s1 = process
        push a1
        call files_exit             # its open files (may sleep: file.s)
        pop  a1
        sw   a1, PROC_XSTATUS(s1)
        li   t0, P_EXITED
        sw   t0, PROC_STATE(s1)
        la   t0, proc_table
        addi t1, t0, NPROC * PROC_SIZE
proc_exit_children:
        lw   t2, PROC_PARENT(t0)
        bne  t2, s1, proc_exit_next
        lw   t2, PROC_STATE(t0)
        beqz t2, proc_exit_next     # a reaped record: not a child now
        li   t3, P_EXITED
        beq  t2, t3, proc_exit_reap
        call init_entry             # an orphan: init inherits it (Unix's
        bne  a0, s1, proc_exit_adopt    # reparenting); with no init, or
        li   a0, 0                  # init itself exiting, nobody will
proc_exit_adopt:                    # wait for it
        sw   a0, PROC_PARENT(t0)
        j    proc_exit_next
proc_exit_reap:
        sw   zero, PROC_PARENT(t0)
        sw   zero, PROC_STATE(t0)   # exited already: reaped
proc_exit_next:
        addi t0, t0, PROC_SIZE
        bne  t0, t1, proc_exit_children
        lw   t0, PROC_PARENT(s1)
        beqz t0, proc_exit_memory
        lw   t1, PROC_STATE(t0)
        li   t2, P_WAITING
        bne  t1, t2, proc_exit_memory
        li   t1, P_RUNNABLE         # its wait runs again and finds this child
        sw   t1, PROC_STATE(t0)
proc_exit_memory:
        la   t0, current
        lw   t0, 0(t0)
        bne  t0, s1, proc_exit_free
        la   t0, kernel_pgdir
        lw   a0, 0(t0)
        li   a1, 0
        call plat_switch_mm
proc_exit_free:
        mv   a0, s1
        call uvm_free
        pop  s1
        pop  ra
        ret

# schedule: charges the cycles since the last switch to the current
# process, wakes the sleepers whose time has come, picks the next runnable
# process after the current one in the table (round robin; the current one
# again if it is the only one), switches address space (PTBR and ASID: the
# TLB is tagged, so no flush) and resumes it. With nothing runnable it idles
# until the next interrupt if a process sleeps, else halts. Never returns.
schedule:
        call plat_irq_save          # interrupts off while the table is scanned
        mv   s2, t4
        call plat_now
        mv   t1, a0                 # t1 = now
        la   t0, current
        lw   s0, 0(t0)              # s0 = the process that ran last (or 0)
        la   t2, last_switch
        lw   a1, 0(t2)              # a1 = the last switch
        sw   t1, 0(t2)
        la   t2, proc_table
        addi s1, t2, NPROC * PROC_SIZE - PROC_SIZE   # no process yet: start after the last slot
        beqz s0, schedule_rescan
        sub  t1, t1, a1
        lw   t4, PROC_CYCLES(s0)
        add  t4, t4, t1             # its cycles, measured switch to switch
        sw   t4, PROC_CYCLES(s0)
        mv   s1, s0                 # s1 = where the round-robin scan starts
schedule_rescan:
        call plat_now
        mv   t1, a0                 # t1 = now
        la   t2, proc_table         # t2 = the table
        addi t3, t2, NPROC * PROC_SIZE   # t3 = its end
        li   a1, 0                  # a1 = sleepers still asleep
        mv   t0, t2
schedule_wake:
        lw   t4, PROC_STATE(t0)
        li   a0, P_SLEEPING
        bne  t4, a0, schedule_wake_next
        lw   t4, PROC_WAKE(t0)
        sub  t4, t1, t4             # now - wake time, wrap-around safe
        blt  t4, zero, schedule_asleep
        li   a0, P_RUNNABLE
        sw   a0, PROC_STATE(t0)
        j    schedule_wake_next
schedule_asleep:
        addi a1, a1, 1
schedule_wake_next:
        addi t0, t0, PROC_SIZE
        bne  t0, t3, schedule_wake
        mv   t0, s1
        li   t4, NPROC              # candidates left
schedule_next:
        beqz t4, schedule_idle
        addi t4, t4, -1
        addi t0, t0, PROC_SIZE
        bltu t0, t3, schedule_check
        mv   t0, t2                 # wrap around
schedule_check:
        lw   t1, PROC_STATE(t0)
        li   a0, P_RUNNABLE
        bne  t1, a0, schedule_next
        la   t1, current
        sw   t0, 0(t1)
        lw   t1, PROC_RUNS(t0)
        addi t1, t1, 1
        sw   t1, PROC_RUNS(t0)
        beq  t0, s0, schedule_same
        push t0
        lw   a0, PROC_PGDIR(t0)     # its address space: the TLB is tagged
        sub  a1, t0, t2             # with the ASID (its slot + 1; exit
        shri a1, a1, 7              # flushes the TLB before a slot is
        addi a1, a1, 1              # reused), so no flush (PROC_SIZE 128)
        call plat_switch_mm
        pop  t0
schedule_same:
        mv   t4, s2
        call plat_irq_restore       # restore the interrupt state
        mv   a0, t0
        lw   t1, PROC_KSTACK(a0)
        lw   t1, KP_SP(t1)
        bnez t1, kresume            # it sleeps in the kernel: back into its ksleep
        j    resume
schedule_idle:
        bnez a1, schedule_wait
        la   t0, blocked
        lw   t0, 0(t0)
        bnez t0, schedule_wait      # asleep in the kernel: an interrupt will wake them
        call init_entry
        bnez a0, schedule_halt_init
        la   t0, killed
        lw   a0, 0(t0)              # exit code: how many were killed
        j    plat_halt
schedule_halt_init:
        lw   a0, PROC_XSTATUS(a0)   # or init's status
        j    plat_halt
# Nothing to run until a sleeper's time comes or the disk is done:
# plat_idle waits for the next interrupt (native: sti; wfi, the x86 idle
# loop; paravirtual: BLOCK) and says which came; a DISK interrupt's work
# (disk_intr, the bottom half of the one taken in kernel mode) is done
# here, and the scan runs again.
schedule_wait:
        call plat_idle
        andi a0, a0, IRQ_DISK
        beqz a0, schedule_woken
        call disk_intr
schedule_woken:
        call plat_now
        la   t1, last_switch
        sw   a0, 0(t1)              # idle time is nobody's
        j    schedule_rescan

# resume: a0 = process. Restores its registers and returns to user mode at
# its EPC with interrupts on (plat_return: rett, or the IRET hypercall).
# k0 is the one register a user program may not keep across a trap.
resume:
        call plat_set_return
        mv   k0, a0
        lw   a1, PROC_A1(k0)
        lw   a2, PROC_A2(k0)
        lw   a3, PROC_A3(k0)
        lw   t0, PROC_T0(k0)
        lw   t1, PROC_T1(k0)
        lw   t2, PROC_T2(k0)
        lw   t3, PROC_T3(k0)
        lw   t4, PROC_T4(k0)
        lw   s0, PROC_S0(k0)
        lw   s1, PROC_S1(k0)
        lw   s2, PROC_S2(k0)
        lw   sp, PROC_SP(k0)
        lw   ra, PROC_RA(k0)
        j    plat_return            # a0 last, then to user mode

        .data
        .align 4
current:        .word 0             # the running process's table entry (0: none yet)
killed:         .word 0             # processes killed for a fault
next_pid:       .word 1
last_switch:    .word 0             # CYCLE at the last schedule()
proc_table:
        .space NPROC * PROC_SIZE

