# On a machine built virtualizable (Popek and Goldberg: every sensitive
# instruction privileged) pushf traps PRIVILEGED_INSTRUCTION in user mode,
# where the default machine would let it read the true STATUS.
# machine: virtualizable
# expect: cause 4 at pc offset 0
# exit: 4
        .text
        li   sp, 0x100000
        la   t0, handler
        csrw TVEC, t0
        la   t0, user
        csrw EPC, t0
        li   t0, 2                  # KM = 1, PKM = 0: rett goes to user mode
        csrw STATUS, t0
        rett
user:
        pushf t0                    # sensitive: traps here
        li   a0, 1
        halt

handler:
        la   a0, s_cause
        csrr a1, CAUSE
        mv   s0, a1
        call lib_puts
        mv   a0, s0
        call lib_putdec
        la   a0, s_pc
        call lib_puts
        csrr a0, EPC
        la   t0, user
        sub  a0, a0, t0
        call lib_putdec
        call lib_newline
        mv   a0, s0
        halt

        .data
s_cause: .asciz "cause "
s_pc:    .asciz " at pc offset "
