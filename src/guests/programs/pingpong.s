# pingpong: prints "pid P round R", then gives the processor away with
# yield. Two of them alternate strictly when the timer is off; with it on,
# a tick that fell due during a system call can preempt one of them as
# soon as it is back in user mode, and break the pattern.
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
