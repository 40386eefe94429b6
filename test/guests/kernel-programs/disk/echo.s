# echo: prints its arguments after argv[0], one line, like /bin/echo;
# exec'd from the disk by exec.s (vmlab mkfs assembles it into /echo).
        .text
main:
        push ra
        push s0
        push s1
        mv   s0, a0                 # s0 = argc
        mv   s1, a1                 # s1 = argv
        la   a0, s_argc
        call print
        mv   a0, s0
        call print_dec
echo_next:
        addi s0, s0, -1
        beqz s0, echo_done
        addi s1, s1, 4
        la   a0, s_space
        call print
        lw   a0, 0(s1)
        call print
        j    echo_next
echo_done:
        la   a0, s_nl
        call print
        li   a0, 7
        pop  s1
        pop  s0
        pop  ra
        ret

        .data
s_argc:  .asciz "echo argc="
s_space: .asciz " "
s_nl:    .asciz "\n"
