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

# sys_write(fd, buf, n): writes n bytes at buf to the console (fd 1 or 2).
# Returns n, or -1 for another fd or a buffer the process may not read.
sys_write:
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
        mv   s2, a2                 # s2 = length
        mv   a0, a1
        mv   a1, a2
        call user_range_ok
        beqz a0, sys_write_bad
        mv   a0, s1
        mv   a1, s2
        call plat_console_write
        mv   a0, s2
        j    sys_write_out
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

# sys_sbrk(n): grows the heap by n >= 0 bytes, mapping fresh zeroed pages;
# returns the old break, or -1 (n < 0, past HEAP_LIMIT, out of memory: then
# the pages this call mapped are given back and the break stays).
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
        push s1
        addi s1, s1, PAGE_SIZE - 1
        shri s1, s1, 12
        shli s1, s1, 12             # s1 = first page not mapped yet
sys_sbrk_map:
        bgeu s1, s2, sys_sbrk_done
        call kalloc
        beqz a0, sys_sbrk_oom
        push a0
        mv   a2, a0
        lw   a0, PROC_PGDIR(s0)
        mv   a1, s1
        li   a3, PTE_V | PTE_W | PTE_U
        call map_page
        pop  a1                     # the new page
        beqz a0, sys_sbrk_mapped
        mv   a0, a1
        call kfree                  # no page table to map it with: give it back
        j    sys_sbrk_oom
sys_sbrk_mapped:
        mv   a0, s1
        call plat_tlb_inv           # a PTE changed: drop any cached translation
        addi s1, s1, PAGE_SIZE
        j    sys_sbrk_map
sys_sbrk_done:
        sw   s2, PROC_BRK(s0)
        pop  a0                     # the old break
        j    sys_sbrk_out
sys_sbrk_oom:
        pop  s2                     # the old break
        addi s2, s2, PAGE_SIZE - 1
        shri s2, s2, 12
        shli s2, s2, 12             # s2 = first page this call mapped
sys_sbrk_undo:
        bgeu s2, s1, sys_sbrk_bad   # give back what this call mapped
        mv   a0, s2
        call free_user_page
        addi s2, s2, PAGE_SIZE
        j    sys_sbrk_undo
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
