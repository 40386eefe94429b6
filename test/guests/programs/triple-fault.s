# With no trap handler (TVEC = 0) a trap stops the machine: a triple fault.
# expect: before
# reason: triple-fault
        .text
        li   sp, 0x100000
        la   a0, s_before
        call lib_puts
        li   t0, 0
        div  t0, t0, t0             # DIVIDE_BY_ZERO, and nowhere to go
        la   a0, s_after
        call lib_puts
        halt

        .data
s_before: .asciz "before\n"
s_after:  .asciz "after\n"
