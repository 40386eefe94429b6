# fork's memory comes back: 20 rounds of fork, a child that writes to its
# copy-on-write stack and data and exits, and wait, in a kernel of 256 KiB
# (about 40 free pages: each round takes 4 or more, so a leak exhausts it). Then the
# process table's limit: with 8 entries, 7 children fit and the 8th fork
# fails with -1.
# memory: 262144
# expect: 20 fork/wait rounds: ok
# expect: forks before the table was full: 7
        .text
main:
        push ra
        push s0
        li   s0, 0                  # s0 = rounds done
round:
        call fork
        blt  a0, zero, out_of_memory
        beqz a0, writer
        call wait
        li   t0, 7
        bne  a1, t0, out_of_memory
        addi s0, s0, 1
        li   t0, 20
        blt  s0, t0, round
        la   a0, s_rounds
        call print
        li   s0, 0                  # s0 = children forked
fill:
        call fork
        beqz a0, sleeper
        blt  a0, zero, full
        addi s0, s0, 1
        j    fill
full:
        la   a0, s_full
        call print
        mv   a0, s0
        call print_dec
        la   a0, s_nl
        call print
        li   s0, 7
reap:
        call wait
        addi s0, s0, -1
        bnez s0, reap
        li   a0, 0
        pop  s0
        pop  ra
        ret
out_of_memory:
        la   a0, s_oom
        call print
        li   a0, 1
        pop  s0
        pop  ra
        ret
writer:
        push s0                     # a store to the shared stack page
        la   t0, counter
        sw   s0, 0(t0)              # and to the shared data page
        li   a0, 7
        call exit
sleeper:
        li   a0, 0
        call exit

        .data
        .align 4
counter:  .word 0
s_rounds: .asciz "20 fork/wait rounds: ok\n"
s_full:   .asciz "forks before the table was full: "
s_oom:    .asciz "fork or wait failed\n"
s_nl:     .asciz "\n"
