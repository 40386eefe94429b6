# pingpong: prints "pid P round R", then gives the processor away with
# yield; two of them alternate strictly, without waiting for the timer.
        .equ ROUNDS, 3

        .text
main:
        push ra
        push s0
        call getpid
        addi a0, a0, '0'
        la   t0, line
        sb   a0, 4(t0)
        li   s0, 0                  # s0 = round
round:
        addi t1, s0, '0'
        la   t0, line
        sb   t1, 12(t0)
        li   a0, 1
        la   a1, line
        li   a2, line_end - line
        call write
        call yield
        addi s0, s0, 1
        li   t0, ROUNDS
        blt  s0, t0, round
        li   a0, 0
        pop  s0
        pop  ra
        ret

        .data
line:
        .ascii "pid ? round ?\n"
line_end:
