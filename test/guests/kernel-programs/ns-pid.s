# pid namespaces (pid_namespaces(7)): a child cloned with CLONE_NEWPID is
# pid 1 inside and its own children count from 2, while the parent sees
# the real pid; an orphan inside is reaped by the namespace's init, not by
# the kernel's; from inside, pid 1 names the namespace's init (which
# cannot be killed from inside) and a real pid outside names nothing: the
# middle process's kill(4) would kill the grandchild (real pid 4, pid 3
# inside) without the translation; wait inside returns pids inside.
# expect: parent is pid 1
# expect: init inside sees pid 1
# expect: child inside sees pid 2
# expect: kill of pid 1 from inside: refused
# expect: kill of real pid 4 from inside: refused
# expect: init reaped 2 with status 7
# expect: grandchild inside sees pid 3
# expect: init reaped 3 with status 9
# expect: init: no child left
# expect: parent saw the real pid 2 with status 42
        .text
main:
        push ra
        push s0
        call getpid
        mv   a1, a0
        la   a0, s_parent
        call say
        li   a0, SYS_CLONE
        li   a1, CLONE_NEWPID
        sys
        beqz a0, ns_init
        mv   s0, a0                 # s0 = the child's pid, as the parent sees it
        call wait
        push a1
        mv   a1, s0
        la   a0, s_saw
        call print_str_dec
        pop  a1
        la   a0, s_status
        call say
        li   a0, 0
        pop  s0
        pop  ra
        ret

# ns_init: pid 1 of the new namespace.
ns_init:
        call getpid
        mv   a1, a0
        la   a0, s_init
        call say
        call fork
        beqz a0, middle
        call wait_report            # middle exits with 7 first
        call wait_report            # then the orphan, 9
        call wait
        mv   t0, a0
        la   a0, s_none
        blt  t0, zero, ns_init_none
        la   a0, s_wrong
ns_init_none:
        call print
        li   a0, 42
        call exit

# middle: pid 2 inside: forks a grandchild, tries to kill outside names,
# and exits before it, leaving it to init.
middle:
        call getpid
        mv   a1, a0
        la   a0, s_child
        call say
        call fork
        beqz a0, grandchild
        li   a0, 1
        call kill
        mv   a1, a0
        la   a0, s_kill_init
        call say_refused
        li   a0, 4                  # the grandchild's real pid: not a name
        call kill                   # inside (there it is 3)
        mv   a1, a0
        la   a0, s_kill_out
        call say_refused
        li   a0, 7
        call exit

grandchild:
        call yield                  # let the middle one exit first
        call yield
        call getpid
        mv   a1, a0
        la   a0, s_grand
        call say
        li   a0, 9
        call exit

# wait_report: waits and prints "init reaped P with status S".
wait_report:
        push ra
        call wait
        push a1
        mv   a1, a0
        la   a0, s_reaped
        call print_str_dec
        pop  a1
        la   a0, s_status
        call say
        pop  ra
        ret

# print_str_dec: prints the string a0 then the number a1.
print_str_dec:
        push ra
        push a1
        call print
        pop  a0
        call print_dec
        pop  ra
        ret

        .data
s_parent:       .asciz "parent is pid "
s_init:         .asciz "init inside sees pid "
s_child:        .asciz "child inside sees pid "
s_grand:        .asciz "grandchild inside sees pid "
s_kill_init:    .asciz "kill of pid 1 from inside: "
s_kill_out:     .asciz "kill of real pid 4 from inside: "
s_reaped:       .asciz "init reaped "
s_status:       .asciz " with status "
s_none:         .asciz "init: no child left\n"
s_wrong:        .asciz "init: WRONG, a child left\n"
s_saw:          .asciz "parent saw the real pid "
s_nl:           .asciz "\n"
