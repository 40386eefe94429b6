# sleeper: sleeps 20,000 cycles with the sleep system call, then checks on
# the clock that at least that long has passed. While it sleeps the other
# processes run, or, if there are none, the kernel idles the machine with
# wfi (the idle time shows in the machine's statistics as idleCycles).
        .equ NAP, 20000

        .text
main:
        push ra
        push s0
        la   a0, going
        call print
        call uptime
        mv   s0, a0                 # s0 = when it went to sleep
        li   a0, NAP
        call sleep
        call uptime
        sub  t1, a0, s0             # t1 = cycles asleep
        li   t0, NAP
        la   a0, early
        blt  t1, t0, report
        la   a0, woke
report:
        call print
        li   a0, 0
        pop  s0
        pop  ra
        ret

        .data
going:
        .asciz "sleeper: sleeping 20000 cycles\n"
woke:
        .asciz "sleeper: awake, and at least 20000 cycles have passed\n"
early:
        .asciz "sleeper: awake too early\n"
