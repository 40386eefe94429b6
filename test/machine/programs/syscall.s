# A system call from user mode: the kernel prints the character in a0,
# skips the sys (EPC + 4) and returns with rett; exit is syscall 0.
# expect: ok!
# exit: 7
        .equ CONSOLE_TX, 0xffff0000
_start: la   t0, trap
        csrw TVEC, t0
        la   t0, user
        csrw EPC, t0
        rett                        # PKM = 0 at reset: into user mode
user:   li   a1, 1
        li   a0, 'o'
        sys
        li   a0, 'k'
        sys
        li   a0, '!'
        sys
        li   a0, '\n'
        sys
        li   a1, 0                  # exit(7)
        li   a0, 7
        sys

trap:   csrr k0, CAUSE
        li   t0, 1                  # SYSCALL
        bne  k0, t0, fail
        beqz a1, exit
        li   t0, CONSOLE_TX
        sb   a0, 0(t0)
        csrr k0, EPC
        addi k0, k0, 4
        csrw EPC, k0
        rett
exit:   halt
fail:   li   a0, 99
        halt
