# fork and wait: three children, each exiting with its own status; the
# parent reaps them all, gets each status, then wait fails (no child left).
# expect: child 1 runs
# expect: child 2 runs
# expect: child 3 runs
# expect: reaped status 11
# expect: reaped status 12
# expect: reaped status 13
# expect: wait with no child: -1
# expect: fork returned distinct pids: ok
        .text
main:
        push ra
        push s0
        push s1
        li   s0, 1                  # s0 = the child's number
        li   s1, 0                  # s1 = sum of the child pids
spawn:
        call fork
        beqz a0, child
        add  s1, s1, a0
        addi s0, s0, 1
        li   t0, 4
        blt  s0, t0, spawn
        li   s0, 3
reap:
        call wait
        mv   a0, a1
        push a0
        la   a0, s_reaped
        call print
        pop  a0
        call print_dec
        la   a0, s_nl
        call print
        addi s0, s0, -1
        bnez s0, reap
        call wait
        push a0
        la   a0, s_none
        call print
        pop  a0
        neg  a0, a0
        call print_dec
        la   a0, s_nl
        call print
        li   t0, 2 + 3 + 4          # pids 2, 3, 4: the parent is 1
        la   a0, s_pids
        bne  s1, t0, done
        call print
done:
        li   a0, 0
        pop  s1
        pop  s0
        pop  ra
        ret
# child: prints which one it is (the children run in fork order with the
# timer off: the parent forks them all, then sleeps in wait).
child:
        la   a0, s_child
        call print
        mv   a0, s0
        call print_dec
        la   a0, s_runs
        call print
        addi a0, s0, 10
        call exit

        .data
s_child:  .asciz "child "
s_runs:   .asciz " runs\n"
s_reaped: .asciz "reaped status "
s_none:   .asciz "wait with no child: -"
s_pids:   .asciz "fork returned distinct pids: ok\n"
s_nl:     .asciz "\n"
