# Helpers appended to every kernel test program in kernel-programs/ (by
# kernel-lib.ts, for kernel-programs.test.ts and paging.test.ts), after
# ulib.s's routines are in reach: they print with ulib's print and
# print_dec, and keep s0..s2 as ulib's routines do.

        .text
# report: a0 = a result, a1 = its label: prints "label" then the result in
# decimal and a newline (the label holds its own ": ").
report:
        push ra
        push a0
        mv   a0, a1
        call print
        pop  a0
        call print_dec
        call newline
        pop  ra
        ret

# report_ok: a0 = how many things were found wrong, a1 = a label: prints
# the label, then "ok" if none was, else "WRONG", and a newline.
report_ok:
        push ra
        push a0
        mv   a0, a1
        call print
        pop  a0
        la   a1, klib_ok
        beqz a0, report_ok_print
        la   a1, klib_wrong
report_ok_print:
        mv   a0, a1
        call print
        pop  ra
        ret

# newline: prints "\n".
newline:
        push ra
        la   a0, klib_nl
        call print
        pop  ra
        ret

        .data
klib_ok:        .asciz "ok\n"
klib_wrong:     .asciz "WRONG\n"
klib_nl:        .asciz "\n"
