# A fork bomb under pids.max (cgroup v2's pids controller): the host's root
# makes a group with pids.max = 4 and puts a container in it (a new pid and
# user namespace); the container forks until fork fails and gets 3
# children (itself and 3 make 4); its root cannot leave the group, raise
# the limit or make a group of its own; when its init exits the bombs die
# with it, and outside the group fork works as before.
# expect: group 1, pids.max 4
# expect: the bomb got 3 children
# expect: pids.current 4
# expect: leave the group: refused
# expect: raise pids.max: refused
# expect: make a group: refused
# expect: the host reaped the container, status 3
# expect: outside the group fork works: yes
# exit: 3
        .text
main:
        push ra
        push s0
        li   a0, SYS_CG_CREATE
        sys
        mv   s0, a0                 # s0 = the group
        li   a0, SYS_CG_SET
        mv   a1, s0
        li   a2, CG_PIDS_MAX
        li   a3, 4
        sys
        la   a0, s_group
        call print
        mv   a0, s0
        call print_dec
        la   a0, s_max
        call print
        li   a0, SYS_CG_GET
        mv   a1, s0
        li   a2, CG_PIDS_MAX
        sys
        call print_dec
        call newline
        li   a0, SYS_CLONE
        li   a1, CLONE_NEWPID | CLONE_NEWUSER
        sys
        beqz a0, container
        mv   a2, a0                 # the container joins the group before
        li   a0, SYS_CG_ATTACH      # it runs (the timer is off)
        mv   a1, s0
        sys
        call wait
        la   a0, s_reaped
        mv   s0, a1
        call print
        mv   a0, s0
        call print_dec
        call newline
        call fork
        beqz a0, quiet
        mv   t0, a0
        la   a0, s_yes
        bgt  t0, zero, main_fork
        la   a0, s_no
main_fork:
        call print
        call wait
        li   a0, 0
        pop  s0
        pop  ra
        ret

quiet:
        li   a0, 0
        call exit

# container: init of its namespaces, root inside only, in group 1.
container:
        li   s0, 0                  # s0 = children made
bomb:
        call fork
        beqz a0, spin
        blt  a0, zero, bomb_done
        addi s0, s0, 1
        j    bomb
bomb_done:
        la   a0, s_bomb
        call print
        mv   a0, s0
        call print_dec
        la   a0, s_children
        call print
        la   a0, s_current
        call print
        li   a0, SYS_CG_GET
        li   a1, 1
        li   a2, CG_PIDS_CURRENT
        sys
        call print_dec
        call newline
        li   a0, SYS_CG_ATTACH
        li   a1, 0
        li   a2, 0
        sys
        mv   a1, a0
        la   a0, s_leave
        call say_refused
        li   a0, SYS_CG_SET
        li   a1, 1
        li   a2, CG_PIDS_MAX
        li   a3, 100
        sys
        mv   a1, a0
        la   a0, s_raise
        call say_refused
        li   a0, SYS_CG_CREATE
        sys
        mv   a1, a0
        la   a0, s_make
        call say_refused
        mv   a0, s0
        call exit

spin:
        call yield
        j    spin

        .data
s_group:    .asciz "group "
s_max:      .asciz ", pids.max "
s_bomb:     .asciz "the bomb got "
s_children: .asciz " children\n"
s_current:  .asciz "pids.current "
s_leave:    .asciz "leave the group: "
s_raise:    .asciz "raise pids.max: "
s_make:     .asciz "make a group: "
s_reaped:   .asciz "the host reaped the container, status "
s_yes:      .asciz "outside the group fork works: yes\n"
s_no:       .asciz "outside the group fork works: NO\n"
