# Namespaces at their edges: the host kills a container's init and the
# whole container goes with it (its two spinning children are killed and
# reaped with it); flags this kernel does not build (CLONE_NEWNET) and no
# flag at all are refused; a process inside a pid namespace cannot make
# another (one level here).
# expect: unshare(NEWNET): refused
# expect: unshare(0): refused
# expect: nested clone(NEWPID): refused
# expect: container up: 3 processes inside
# expect: the host killed its init: 0
# expect: the host reaped the container's init, status -1
# expect: the host has no child left
# exit: 3
        .text
main:
        push ra
        push s0
        push s1
        li   a0, SYS_UNSHARE
        li   a1, 0x40000000          # CLONE_NEWNET
        sys
        mv   a1, a0
        la   a0, s_net
        call say_refused
        li   a0, SYS_UNSHARE
        li   a1, 0
        sys
        mv   a1, a0
        la   a0, s_zero
        call say_refused
        li   a0, SYS_CLONE
        li   a1, CLONE_NEWPID
        sys
        beqz a0, ns_init
        mv   s0, a0                  # s0 = its init's real pid
        li   s1, 4                   # let the container come up (the timer
host_yield:                          # is off: each yield runs the others)
        call yield
        addi s1, s1, -1
        bnez s1, host_yield
        mv   a0, s0
        call kill
        mv   a1, a0
        la   a0, s_killed
        call say
        call wait
        mv   t0, a0
        push a1
        la   a0, s_reaped
        call print
        pop  a0
        la   t1, s_minus
        bge  a0, zero, main_status
        neg  a0, a0
        push a0
        mv   a0, t1
        call print
        pop  a0
main_status:
        call print_dec
        la   a0, s_nl
        call print
        call wait
        mv   t0, a0
        la   a0, s_none
        blt  t0, zero, main_none
        la   a0, s_wrong
main_none:
        call print
        li   a0, 0
        pop  s1
        pop  s0
        pop  ra
        ret

# ns_init: tries a nested pid namespace, starts two spinners and spins.
ns_init:
        li   a0, SYS_CLONE
        li   a1, CLONE_NEWPID
        sys
        mv   a1, a0
        la   a0, s_nested
        call say_refused
        call fork
        beqz a0, spin
        call fork
        beqz a0, spin
        la   a0, s_up
        call print
spin:
        call yield
        j    spin

        .data
s_net:      .asciz "unshare(NEWNET): "
s_zero:     .asciz "unshare(0): "
s_nested:   .asciz "nested clone(NEWPID): "
s_up:       .asciz "container up: 3 processes inside\n"
s_killed:   .asciz "the host killed its init: "
s_reaped:   .asciz "the host reaped the container's init, status "
s_minus:    .asciz "-"
s_none:     .asciz "the host has no child left\n"
s_wrong:    .asciz "the host: WRONG, a child left\n"
s_nl:       .asciz "\n"
