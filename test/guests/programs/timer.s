# The timer: TIMER = 1000 raises an interrupt every 1000 cycles, delivered
# while STATUS.IE = 1. The handler counts ticks; the main loop spins until
# it has seen 5, then turns the timer off. With IE = 0 nothing is taken.
# expect: ticks 5
# expect: masked 0
# exit: 0
        .text
        li   sp, 0x100000
        la   t0, handler
        csrw TVEC, t0
        li   t0, 1000
        csrw TIMER, t0
        li   t0, 3                  # KM | IE
        csrw STATUS, t0
        la   s0, ticks
spin:
        lw   t0, 0(s0)
        li   t1, 5
        blt  t0, t1, spin
        li   t0, 2                  # KM, IE off
        csrw STATUS, t0
        sw   zero, 0(s0)
        li   t0, 2000               # two periods pass, masked
wait:
        addi t0, t0, -1
        bnez t0, wait
        csrw TIMER, zero
        la   a0, s_ticks
        li   a1, 5
        call lib_show
        la   a0, s_masked
        lw   a1, 0(s0)
        call lib_show
        li   a0, 0
        halt

# handler: one more tick (CAUSE must be TIMER = 16, else halt 99).
handler:
        csrr k0, CAUSE
        addi k0, k0, -16
        bnez k0, wrong
        la   k0, ticks
        sw   t0, 4(k0)              # borrow t0
        lw   t0, 0(k0)
        addi t0, t0, 1
        sw   t0, 0(k0)
        lw   t0, 4(k0)
        rett
wrong:
        li   a0, 99
        halt

        .data
ticks: .word 0, 0
s_ticks:  .asciz "ticks "
s_masked: .asciz "masked "
