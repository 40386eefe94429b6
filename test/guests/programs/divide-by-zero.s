# Division by zero traps DIVIDE_BY_ZERO (9) with EPC at the div; the
# handler skips the div, which leaves its destination as it was.
# expect: cause 9
# expect: destination unchanged 123
# expect: remainder by zero traps too: cause 9
# exit: 0
        .text
        li   sp, 0x100000
        la   t0, handler
        csrw TVEC, t0
        li   t1, 7
        li   s0, 123
        div  s0, t1, zero
        la   a0, s_cause
        la   t0, last_cause
        lw   a1, 0(t0)
        call lib_show
        la   a0, s_quotient
        mv   a1, s0
        la   t0, last_cause
        sw   zero, 0(t0)
        call lib_show
        rem  a1, t1, zero
        la   a0, s_rem
        la   t0, last_cause
        lw   a1, 0(t0)
        call lib_show
        li   a0, 0
        halt

handler:
        csrr k0, CAUSE
        la   a0, last_cause
        sw   k0, 0(a0)
        csrr k0, EPC
        addi k0, k0, 4
        csrw EPC, k0
        rett

        .data
last_cause: .word 0
s_cause:    .asciz "cause "
s_quotient: .asciz "destination unchanged "
s_rem:      .asciz "remainder by zero traps too: cause "
