# exec: a child execs /echo from the disk with arguments and exits with
# its status; exec of a missing file, of a file that is not an
# executable and of a directory each return -1 to the caller, which goes
# on unharmed.
# disk: disk
# expect: exec /nope: -1
# expect: exec /greeting.txt: -1
# expect: exec /docs: -1
# expect: still here
# expect: echo argc=3 one two
# expect: echo exited 7
        .text
main:
        push ra
        la   a0, p_nope
        la   a1, argv
        call exec
        la   a1, s_nope
        call report
        la   a0, p_text
        la   a1, argv
        call exec
        la   a1, s_text
        call report
        la   a0, p_dir
        li   a1, 0
        call exec
        la   a1, s_dir
        call report
        la   a0, s_here
        call print
        call fork
        bnez a0, parent
        la   a0, p_echo
        la   a1, argv
        call exec
        la   a0, s_failed           # (not reached)
        call print
        li   a0, 99
        call exit
parent:
        call wait
        mv   a0, a1
        la   a1, s_exited
        call report
        li   a0, 0
        pop  ra
        ret

        .data
p_nope:   .asciz "/nope"
p_text:   .asciz "/greeting.txt"
p_dir:    .asciz "/docs"
p_echo:   .asciz "/echo"
a0s:      .asciz "echo"
a1s:      .asciz "one"
a2s:      .asciz "two"
s_nope:   .asciz "exec /nope: "
s_text:   .asciz "exec /greeting.txt: "
s_dir:    .asciz "exec /docs: "
s_here:   .asciz "still here\n"
s_failed: .asciz "exec /echo failed\n"
s_exited: .asciz "echo exited "
        .align 4
argv:     .word a0s, a1s, a2s, 0
