# syscall.s: the system call table (xv6 syscalls[]) and its handlers.
# trap_syscall (trap.s) calls syscalls[a0] with the user's a1..a3 in a0..a2
# and s0 = the process; a handler returns its result in a0 and keeps s0.
# The numbers are the ABI of kernel.s's header and ulib.s.

        .text
# syscalls: the handlers by number; NSYSCALLS (kernel.s) entries.
syscalls:
        .word sys_none              # 0: not a system call
        .word sys_exit              # 1
        .word sys_write             # 2
        .word sys_getpid            # 3
        .word sys_yield             # 4
        .word sys_sbrk              # 5
        .word sys_putc              # 6
        .word sys_uptime            # 7
        .word sys_sleep             # 8
        .word sys_fork              # 9
        .word sys_wait              # 10
        .word sys_kill              # 11
        .word sys_open              # 12 (file.s)
        .word sys_read              # 13
        .word sys_close             # 14
        .word sys_mkdir             # 15
        .word sys_unlink            # 16
        .word sys_fstat             # 17
        .word sys_chdir             # 18
        .word sys_exec              # 19 (exec.s)
        .word sys_bootexec          # 20 (exec.s)

# sys_none: an unknown system call number returns -1.
sys_none:
        li   a0, -1
        ret

# sys_exit(code): ends the process; its memory goes back to the free list.
sys_exit:
        mv   a1, a0
        mv   a0, s0
        call proc_exit
        j    schedule

# sys_write(fd, buf, n): writes n bytes at buf to the console (fd 1 or 2),
# or to an open file (fd 3 and up: file.s file_write). Returns n, or -1
# for fd 0, a closed fd or a buffer the process may not read. The console's
# buffer is checked whole, then written a page at a time, each page made
# resident just before it is read (user_page_resident): paging one in may
# evict another.
sys_write:
        li   t0, 3
        bgeu a0, t0, file_write     # not the console's: a file (file.s)
        push ra
        push s1
        push s2
        li   t0, 1
        beq  a0, t0, sys_write_fd
        li   t0, 2
        bne  a0, t0, sys_write_bad
sys_write_fd:
        blt  a2, zero, sys_write_bad
        mv   s1, a1                 # s1 = buffer
        add  s2, a1, a2             # s2 = its end
        push a2
        mv   a0, a1
        mv   a1, a2
        call user_range_ok
        beqz a0, sys_write_bad_n
sys_write_page:
        bgeu s1, s2, sys_write_done
        mv   a0, s1
        call user_page_resident
        beqz a0, sys_write_bad_n
        shri a1, s1, 12
        addi a1, a1, 1
        shli a1, a1, 12             # the next page
        bltu a1, s2, sys_write_chunk
        mv   a1, s2
sys_write_chunk:
        push a1
        mv   a0, s1
        sub  a1, a1, s1
        call plat_console_write
        pop  s1
        j    sys_write_page
sys_write_done:
        pop  a0                     # n
        j    sys_write_out
sys_write_bad_n:
        pop  a0
sys_write_bad:
        li   a0, -1
sys_write_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# sys_getpid(): the process's id.
sys_getpid:
        lw   a0, PROC_PID(s0)
        ret

# sys_yield(): gives up the rest of the time slice; returns 0.
sys_yield:
        sw   zero, PROC_A0(s0)
        j    schedule

# sys_sbrk(n): grows the heap by n >= 0 bytes; returns the old break, or
# -1 (n < 0, past HEAP_LIMIT, or more new pages than free frames and free
# swap slots together could ever hold: the break stays). No page is mapped
# here: each comes in zeroed when first touched (pager.s).
sys_sbrk:
        push ra
        push s1
        push s2
        blt  a0, zero, sys_sbrk_bad
        lw   s1, PROC_BRK(s0)       # the old break
        add  s2, s1, a0             # s2 = the new break
        bltu s2, s1, sys_sbrk_bad
        li   t0, HEAP_LIMIT
        bltu t0, s2, sys_sbrk_bad
        addi t0, s1, PAGE_SIZE - 1
        shri t0, t0, 12
        addi t1, s2, PAGE_SIZE - 1
        shri t1, t1, 12
        sub  t1, t1, t0             # t1 = new pages
        la   t0, pager_stats
        lw   t0, PS_FREE(t0)
        bgeu t0, t1, sys_sbrk_grow  # free frames enough: swap not asked
        push t1                     # (the disk is touched only when swap
        push t0                     # is needed)
        call swap_free_slots
        pop  t0
        pop  t1
        add  t0, t0, a0             # what memory and swap have room for
        bltu t0, t1, sys_sbrk_bad
sys_sbrk_grow:
        sw   s2, PROC_BRK(s0)
        mv   a0, s1
        j    sys_sbrk_out
sys_sbrk_bad:
        li   a0, -1
sys_sbrk_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# sys_putc(c): writes one character to the console; returns 0.
sys_putc:
        push ra
        call kputc
        pop  ra
        li   a0, 0
        ret

# sys_uptime(): the machine's clock in cycles (plat_now: CYCLE, or GET_TIME).
sys_uptime:
        j    plat_now

# sys_sleep(n): sleeps at least n >= 0 cycles (until the first timer tick
# after they have passed); returns 0. Returns -1 for n < 0 or when the
# timer is off, since nothing would wake the process.
sys_sleep:
        la   t0, timer_interval
        lw   t0, 0(t0)
        beqz t0, sys_sleep_bad
        blt  a0, zero, sys_sleep_bad
        push a0
        call plat_now
        pop  t0
        add  t0, t0, a0
        sw   t0, PROC_WAKE(s0)
        li   t0, P_SLEEPING
        sw   t0, PROC_STATE(s0)
        sw   zero, PROC_A0(s0)
        j    schedule
sys_sleep_bad:
        li   a0, -1
        ret

# sys_fork(): a copy of the process (xv6 fork()): a new table entry with
# its registers, break, program and name, and its pages shared copy-on-write
# (uvm_share). Returns the child's pid; the child returns 0 from the same
# sys. -1 when no entry or no memory is left (then nothing is kept).
sys_fork:
        push ra
        push s1
        push s2
        call proc_alloc
        beqz a0, sys_fork_bad
        mv   s1, a0                 # s1 = the child
        call uvm_create
        beqz a0, sys_fork_bad
        sw   a0, PROC_PGDIR(s1)
        li   t0, P_FORKING          # not runnable yet, but its pages count
        sw   t0, PROC_STATE(s1)     # (pager-out.s page_out_shared scans it)
        addi a0, s1, PROC_BRK       # BRK, EPC, the registers, XSTATUS, HEAP
        addi a1, s0, PROC_BRK
        li   a2, PROC_CYCLES - PROC_BRK
        call memcpy
        mv   a0, s1
        call files_fork             # its open files and directory (file.s)
        sw   zero, PROC_A0(s1)      # fork returns 0 in the child
        sw   zero, PROC_CYCLES(s1)
        sw   zero, PROC_RUNS(s1)
        sw   s0, PROC_PARENT(s1)
        lw   t0, PROC_PROG(s0)
        sw   t0, PROC_PROG(s1)
        addi a0, s1, PROC_COMM      # and its name
        addi a1, s0, PROC_COMM
        li   a2, COMM_SIZE
        call memcpy
        li   s2, USER_BASE          # s2 = the page to share
sys_fork_pages:
        lw   t0, PROC_BRK(s0)
        addi t0, t0, PAGE_SIZE - 1
        shri t0, t0, 12
        shli t0, t0, 12
        bgeu s2, t0, sys_fork_stack
        mv   a0, s2
        mv   a1, s1
        call uvm_share
        bnez a0, sys_fork_undo
        addi s2, s2, PAGE_SIZE
        j    sys_fork_pages
sys_fork_stack:
        li   s2, USER_STACK_BOTTOM
sys_fork_stack_page:
        mv   a0, s2
        mv   a1, s1
        call uvm_share
        bnez a0, sys_fork_undo
        addi s2, s2, PAGE_SIZE
        li   t0, USER_STACK_TOP
        bne  s2, t0, sys_fork_stack_page
        la   t0, next_pid
        lw   a0, 0(t0)
        sw   a0, PROC_PID(s1)
        addi t1, a0, 1
        sw   t1, 0(t0)
        li   t0, P_RUNNABLE
        sw   t0, PROC_STATE(s1)     # the parent returns the child's pid
        j    sys_fork_out
sys_fork_undo:
        mv   a0, s1                 # give back what the child holds; its
        call uvm_free               # entry stays unused
        sw   zero, PROC_STATE(s1)
sys_fork_bad:
        li   a0, -1
sys_fork_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# sys_wait(): reaps an exited child: returns its pid, with its exit status
# in the caller's a1, and frees its entry. With live children but none
# exited the process sleeps (P_WAITING) with its pc back on the `sys`, so
# that when proc_exit wakes it the call runs again. -1 if it has no child.
sys_wait:
        la   t0, proc_table
        addi t1, t0, NPROC * PROC_SIZE
        li   t2, 0                  # t2 = live children
sys_wait_scan:
        lw   t3, PROC_STATE(t0)
        beqz t3, sys_wait_next
        lw   t4, PROC_PARENT(t0)
        bne  t4, s0, sys_wait_next
        li   t4, P_EXITED
        beq  t3, t4, sys_wait_reap
        addi t2, t2, 1
sys_wait_next:
        addi t0, t0, PROC_SIZE
        bne  t0, t1, sys_wait_scan
        beqz t2, sys_wait_none
        lw   t0, PROC_EPC(s0)
        addi t0, t0, -4             # run the sys again when woken
        sw   t0, PROC_EPC(s0)
        li   t0, P_WAITING
        sw   t0, PROC_STATE(s0)
        j    schedule
sys_wait_reap:
        lw   t1, PROC_XSTATUS(t0)
        sw   t1, PROC_A1(s0)
        lw   a0, PROC_PID(t0)
        sw   zero, PROC_STATE(t0)   # the entry is free again
        ret
sys_wait_none:
        li   a0, -1
        ret

# sys_kill(pid): ends the live process with that pid at once, status -1,
# and counts it among the killed. Returns 0, or -1 if there is none; a
# process that kills itself does not return.
sys_kill:
        push ra
        la   t0, proc_table
        addi t1, t0, NPROC * PROC_SIZE
sys_kill_scan:
        lw   t2, PROC_STATE(t0)
        beqz t2, sys_kill_next
        li   t3, P_EXITED
        beq  t2, t3, sys_kill_next
        li   t3, P_EXITING
        beq  t2, t3, sys_kill_next
        lw   t2, PROC_PID(t0)
        beq  t2, a0, sys_kill_found
sys_kill_next:
        addi t0, t0, PROC_SIZE
        bne  t0, t1, sys_kill_scan
        li   a0, -1
        pop  ra
        ret
sys_kill_found:
        lw   t2, PROC_STATE(t0)
        li   t3, P_BLOCKED
        beq  t2, t3, sys_kill_later
        la   t1, killed
        lw   t2, 0(t1)
        addi t2, t2, 1
        sw   t2, 0(t1)
        li   t2, P_EXITING          # it never runs again, even while its
        sw   t2, PROC_STATE(t0)     # files close (which may sleep)
        push t0
        mv   a0, t0
        li   a1, -1
        call proc_exit
        pop  t0
        beq  t0, s0, sys_kill_self
        li   a0, 0
        pop  ra
        ret
sys_kill_self:
        j    schedule
# sys_kill_later: it sleeps in the kernel, in the middle of a system call
# (a disk request): it ends when the call returns (trap_syscall_killed,
# which counts it among the killed then; one that exits first is not).
sys_kill_later:
        lw   t0, PROC_KSTACK(t0)
        li   t1, 1
        sw   t1, KP_KILLED(t0)
        li   a0, 0
        pop  ra
        ret
