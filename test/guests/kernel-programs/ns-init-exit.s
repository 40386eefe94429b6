# When the init of a pid namespace ends, every process in the namespace is
# killed ("the kernel terminates all of the processes in the namespace via
# a SIGKILL signal", pid_namespaces(7)): two children spinning forever die
# with it (the kernel's exit code counts them killed) and are reaped with
# it. unshare(CLONE_NEWPID) leaves the caller where it is and puts its
# next child in a new namespace, as pid 1; once that init is gone no other
# process can be born there.
# expect: init 1 started children 2 and 3
# expect: parent reaped init with status 5
# expect: parent has no child left
# expect: after unshare(NEWPID) the parent is still pid 1
# expect: its next child is pid 1
# expect: fork after that init died: refused
# exit: 2
        .text
main:
        push ra
        push s0
        li   a0, SYS_CLONE
        li   a1, CLONE_NEWPID
        sys
        beqz a0, ns_init
        call wait
        la   a0, s_reaped
        call say
        call wait
        mv   t0, a0
        la   a0, s_none
        blt  t0, zero, main_none
        la   a0, s_wrong
main_none:
        call print
        li   a0, SYS_UNSHARE
        li   a1, CLONE_NEWPID
        sys
        call getpid
        mv   a1, a0
        la   a0, s_still
        call say
        call fork
        beqz a0, first_child
        call wait
        call fork
        beqz a0, first_child        # (not reached: refused)
        mv   a1, a0
        la   a0, s_refork
        call say_refused
        li   a0, 0
        pop  s0
        pop  ra
        ret

first_child:
        call getpid
        mv   a1, a0
        la   a0, s_first
        call say
        li   a0, 0
        call exit

ns_init:
        call fork
        beqz a0, spin
        mv   s0, a0
        call fork
        beqz a0, spin
        push a0
        la   a0, s_init
        call print
        call getpid
        call print_dec
        la   a0, s_started
        call print
        mv   a0, s0
        call print_dec
        la   a0, s_and
        call print
        pop  a0
        call print_dec
        la   a0, s_nl
        call print
        li   a0, 5
        call exit

spin:
        call yield
        j    spin

        .data
s_init:     .asciz "init "
s_started:  .asciz " started children "
s_and:      .asciz " and "
s_reaped:   .asciz "parent reaped init with status "
s_none:     .asciz "parent has no child left\n"
s_wrong:    .asciz "parent: WRONG, a child left\n"
s_still:    .asciz "after unshare(NEWPID) the parent is still pid "
s_first:    .asciz "its next child is pid "
s_refork:   .asciz "fork after that init died: "
s_nl:       .asciz "\n"
