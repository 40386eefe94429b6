# Dropping to user mode with rett (PKM = 0), then: pushf shows the true
# mode without trapping (sensitive, not privileged: the x86 PUSHF problem),
# and `halt` traps PRIVILEGED_INSTRUCTION back into kernel mode.
# expect: user STATUS.KM 0
# expect: trap cause 4 from user mode
# exit: 4
        .text
        li   sp, 0x100000
        la   t0, handler
        csrw TVEC, t0
        la   t0, user
        csrw EPC, t0
        li   t0, 2                  # KM = 1, PKM = 0, PIE = 0
        csrw STATUS, t0
        rett                        # to user mode, at `user`

user:
        pushf s0                    # does not trap
        andi s0, s0, 2
        la   a0, s_km
        mv   a1, s0
        call lib_show
        halt                        # privileged: traps
        li   a0, 1
        j    user

handler:
        la   a0, s_cause
        call lib_puts
        csrr a0, CAUSE
        call lib_putdec
        csrr t0, STATUS
        andi t0, t0, 8              # PKM: the mode the trap came from
        la   a0, s_user
        beqz t0, handler_mode
        la   a0, s_kernel
handler_mode:
        call lib_puts
        csrr a0, CAUSE
        halt

        .data
s_km:     .asciz "user STATUS.KM "
s_cause:  .asciz "trap cause "
s_user:   .asciz " from user mode\n"
s_kernel: .asciz " from kernel mode\n"
