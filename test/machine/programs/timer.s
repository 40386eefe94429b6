# Timer interrupts while a loop spins: the handler prints a dot per tick
# and stops after five; EPC always points into the loop.
# expect: .....
# exit: 5
        .equ CONSOLE_TX, 0xffff0000
_start: la   t0, tick
        csrw TVEC, t0
        li   t0, 500
        csrw TIMER, t0
        li   t0, 1
        popf t0                     # IE = 1
spin:   addi t1, t1, 1
        j    spin

tick:   li   k0, CONSOLE_TX
        li   t2, '.'
        sb   t2, 0(k0)
        addi a0, a0, 1
        li   t2, 5
        beq  a0, t2, done
        rett
done:   li   t2, '\n'
        sb   t2, 0(k0)
        halt
