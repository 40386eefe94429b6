# wfi waits for an interrupt: the machine skips the idle cycles up to the
# next timer tick (they are counted as idle, not executed). The handler
# counts ticks; three wfi's see three ticks.
# expect: ticks 3
# exit: 3
        .text
        li   sp, 0x100000
        la   t0, handler
        csrw TVEC, t0
        li   t0, 10000
        csrw TIMER, t0
        li   t0, 3                  # KM | IE
        csrw STATUS, t0
        wfi
        wfi
        wfi
        li   t0, 2                  # IE off
        csrw STATUS, t0
        csrw TIMER, zero
        la   a0, s_ticks
        la   t0, ticks
        lw   a1, 0(t0)
        call lib_show
        la   t0, ticks
        lw   a0, 0(t0)
        halt

handler:
        la   k0, ticks
        sw   t0, 4(k0)
        lw   t0, 0(k0)
        addi t0, t0, 1
        sw   t0, 0(k0)
        lw   t0, 4(k0)
        rett

        .data
ticks:   .word 0, 0
s_ticks: .asciz "ticks "
