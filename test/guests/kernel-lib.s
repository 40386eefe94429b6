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

# say: a0 = a label, a1 = a number: report with its arguments the other
# way round (the label first, as it reads).
say:
        mv   t0, a0
        mv   a0, a1
        mv   a1, t0
        j    report

# say_refused: prints the string a0, then "refused" if a1 = -1 (a call the
# kernel refused), else "allowed", and a newline.
say_refused:
        push ra
        push a1
        call print
        pop  a1
        la   a0, klib_refused
        li   t0, -1
        beq  a1, t0, say_refused_print
        la   a0, klib_allowed
say_refused_print:
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
klib_refused:   .asciz "refused\n"
klib_allowed:   .asciz "allowed\n"
