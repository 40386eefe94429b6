# ticker: prints "pid P tick I" four times with a busy wait between, so
# two tickers interleave as the timer preempts them. Each line is one
# write, so lines never mix.
        .equ TICKS, 4
        .equ DELAY, 1500            # iterations of the wait (2 instructions each)

        .text
main:
        push ra
        push s0
        push s1
        call getpid
        addi a0, a0, '0'
        la   t0, line
        sb   a0, 4(t0)              # "pid P ..."
        li   s0, 0                  # s0 = tick
tick:
        addi t1, s0, '0'
        la   t0, line
        sb   t1, 11(t0)             # "... tick I"
        li   a0, 1
        la   a1, line
        li   a2, line_end - line
        call write
        li   t0, DELAY
delay:
        addi t0, t0, -1
        bnez t0, delay
        addi s0, s0, 1
        li   t0, TICKS
        blt  s0, t0, tick
        li   a0, 0
        pop  s1
        pop  s0
        pop  ra
        ret

        .data
line:
        .ascii "pid ? tick ?\n"
line_end:
