# console.s: the kernel's console output, piece by piece (no printf):
# characters, strings, decimal and hex numbers, CAUSE names.

        .text

# kputc: a0 = a character. Every routine here writes through
# plat_console_write (the console register, or a hypercall).
kputc:
        push ra
        la   t0, kputc_buffer
        sb   a0, 0(t0)
        mv   a0, t0
        li   a1, 1
        call plat_console_write
        pop  ra
        ret

# kputs: a0 = a NUL-terminated string.
kputs:
        push ra
        mv   a1, a0
kputs_length:
        lbu  t0, 0(a1)
        beqz t0, kputs_write
        addi a1, a1, 1
        j    kputs_length
kputs_write:
        sub  a1, a1, a0
        call plat_console_write
        pop  ra
        ret

# kputdec: a0 = a number >= 0, in decimal.
kputdec:
        push ra
        addi sp, sp, -16
        addi t2, sp, 15
        sb   zero, 0(t2)            # the digits go right to left
        li   t1, 10
kputdec_loop:
        rem  t0, a0, t1
        addi t0, t0, '0'
        addi t2, t2, -1
        sb   t0, 0(t2)
        div  a0, a0, t1
        bnez a0, kputdec_loop
        mv   a0, t2
        call kputs
        addi sp, sp, 16
        pop  ra
        ret

# kputhex: a0 = a word, as 8 hex digits.
kputhex:
        push ra
        li   t0, 28
        la   t2, hex_digits
        la   t3, kputhex_buffer
kputhex_loop:
        shr  t1, a0, t0
        andi t1, t1, 15
        add  t1, t1, t2
        lbu  t1, 0(t1)
        sb   t1, 0(t3)
        addi t3, t3, 1
        addi t0, t0, -4
        bge  t0, zero, kputhex_loop
        la   a0, kputhex_buffer
        li   a1, 8
        call plat_console_write
        pop  ra
        ret

# kputcause: a0 = a CAUSE value, by its name in isa.ts (CAUSE_n if unnamed).
kputcause:
        push ra
        li   t0, NCAUSES
        bgeu a0, t0, kputcause_number
        la   t1, cause_names
        shli t0, a0, 2
        add  t1, t1, t0
        lw   t1, 0(t1)
        beqz t1, kputcause_number
        mv   a0, t1
        call kputs
        pop  ra
        ret
kputcause_number:
        push a0
        la   a0, msg_cause
        call kputs
        pop  a0
        call kputdec
        pop  ra
        ret

        .data
        .align 4
cause_names:
        .word 0, name_syscall, name_breakpoint, name_illegal, name_privileged
        .word name_pf_load, name_pf_store, name_pf_fetch, name_misaligned, name_divide
        .word name_tlb_miss, name_hypercall, 0, 0, 0, 0
        .word name_timer, name_disk, name_net, name_console
hex_digits:     .ascii "0123456789abcdef"
kputhex_buffer: .space 8
kputc_buffer:   .space 4
msg_panic:      .asciz "[kernel] panic: "
msg_pc:         .asciz " pc 0x"
msg_pid:        .asciz "[kernel] pid "
msg_killed:     .asciz " killed: "
msg_at:         .asciz " at 0x"
msg_at_pc:      .asciz " at pc 0x"
msg_cause:      .asciz "CAUSE_"
name_syscall:   .asciz "SYSCALL"
name_breakpoint: .asciz "BREAKPOINT"
name_illegal:   .asciz "ILLEGAL_INSTRUCTION"
name_privileged: .asciz "PRIVILEGED_INSTRUCTION"
name_pf_load:   .asciz "PAGE_FAULT_LOAD"
name_pf_store:  .asciz "PAGE_FAULT_STORE"
name_pf_fetch:  .asciz "PAGE_FAULT_FETCH"
name_misaligned: .asciz "MISALIGNED"
name_divide:    .asciz "DIVIDE_BY_ZERO"
name_tlb_miss:  .asciz "TLB_MISS"
name_hypercall: .asciz "HYPERCALL"
name_timer:     .asciz "TIMER"
name_disk:      .asciz "DISK"
name_net:       .asciz "NET"
name_console:   .asciz "CONSOLE"
