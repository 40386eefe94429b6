# A trap handler that counts system calls: each `sys` traps to TVEC with
# CAUSE = SYSCALL and EPC = the sys itself; the handler counts, steps EPC
# past it and returns with rett. A `brk` is counted apart.
# expect: syscalls 5
# expect: breakpoints 1
# expect: a0 survived 42
# exit: 5
        .text
        li   sp, 0x100000
        la   t0, handler
        csrw TVEC, t0
        li   a0, 42
        sys
        sys
        brk
        sys
        sys
        sys
        mv   s0, a0
        la   a0, s_sys
        la   t0, syscalls
        lw   a1, 0(t0)
        call lib_show
        la   a0, s_brk
        la   t0, breakpoints
        lw   a1, 0(t0)
        call lib_show
        la   a0, s_a0
        mv   a1, s0
        call lib_show
        la   t0, syscalls
        lw   a0, 0(t0)
        halt

# handler: counts the trap by CAUSE, returns after the trapping instruction.
# Uses only k0 and t4, saving t4 in SCRATCH.
handler:
        csrw SCRATCH, t4
        csrr k0, CAUSE
        addi k0, k0, -1             # SYSCALL = 1
        la   t4, syscalls
        beqz k0, handler_count
        la   t4, breakpoints
handler_count:
        lw   k0, 0(t4)
        addi k0, k0, 1
        sw   k0, 0(t4)
        csrr k0, EPC
        addi k0, k0, 4
        csrw EPC, k0
        csrr t4, SCRATCH
        rett

        .data
syscalls:    .word 0
breakpoints: .word 0
s_sys: .asciz "syscalls "
s_brk: .asciz "breakpoints "
s_a0:  .asciz "a0 survived "
