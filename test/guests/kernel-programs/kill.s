# kill: the parent kills a child that spins forever; wait reports status
# -1; killing it again, or a pid that never was, fails. A child that
# faults is killed with the kernel's message naming cause and address.
# timer: 2000
# exit: 2
# expect: spinner started
# expect: kill: 0
# expect: killed child's status: -1
# expect: kill again: -1
# expect: [kernel] pid 3 killed: PAGE_FAULT_LOAD at 0x00000010
# expect: faulting child's status: -1
        .text
main:
        push ra
        push s0
        call fork
        beqz a0, spin
        mv   s0, a0                 # s0 = the spinner's pid
        li   a0, 50000
        call sleep                  # let it start (its copy-on-write
                                    # faults take more than a time slice)
        mv   a0, s0
        call kill
        push a0
        la   a0, s_kill
        call print
        pop  a0
        call print_dec
        call wait
        push a1
        la   a0, s_status
        call print
        pop  a1
        call print_status
        la   a0, s_again
        call print
        mv   a0, s0
        call kill
        mv   a1, a0
        call print_status
        call fork
        beqz a0, fault
        call wait
        push a1
        la   a0, s_fstatus
        call print
        pop  a1
        call print_status
        li   a0, 0
        pop  s0
        pop  ra
        ret
# print_status: a1 = an exit status (what wait gave), with its sign.
print_status:
        push ra
        push a1
        bge  a1, zero, print_status_number
        la   a0, s_minus
        call print
        lw   t0, 0(sp)
        neg  t0, t0
        sw   t0, 0(sp)
print_status_number:
        pop  a0
        call print_dec
        la   a0, s_nl
        call print
        pop  ra
        ret
spin:
        la   a0, s_spin
        call print
spin_loop:
        j    spin_loop
fault:
        li   t0, 0x10
        lw   t0, 0(t0)
        li   a0, 0
        call exit

        .data
s_spin:    .asciz "spinner started\n"
s_kill:    .asciz "kill: "
s_status:  .asciz "\nkilled child's status: "
s_again:   .asciz "kill again: "
s_fstatus: .asciz "faulting child's status: "
s_minus:   .asciz "-"
s_nl:      .asciz "\n"
