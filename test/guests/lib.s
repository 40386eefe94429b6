# Helpers appended to every bare-metal test program in programs/ (by
# programs.test.ts): console output on bare toy32, paging off or with the
# console page mapped at its own address. They clobber t0..t4 and a0.

        .equ LIB_CONSOLE, 0xFFFF0000

        .text
# lib_putc: a0 = a character.
lib_putc:
        li   t0, LIB_CONSOLE
        sb   a0, 0(t0)
        ret

# lib_puts: a0 = a NUL-terminated string.
lib_puts:
        li   t0, LIB_CONSOLE
lib_puts_loop:
        lbu  t1, 0(a0)
        beqz t1, lib_puts_done
        sb   t1, 0(t0)
        addi a0, a0, 1
        j    lib_puts_loop
lib_puts_done:
        ret

# lib_putdec: a0 = a signed number, in decimal.
lib_putdec:
        li   t0, LIB_CONSOLE
        bge  a0, zero, lib_putdec_positive
        li   t1, '-'
        sb   t1, 0(t0)
lib_putdec_positive:
        addi sp, sp, -12
        addi t2, sp, 12             # digits go right to left, below t2
        li   t1, 10
lib_putdec_loop:
        rem  t3, a0, t1
        bge  t3, zero, lib_putdec_digit
        neg  t3, t3
lib_putdec_digit:
        addi t3, t3, '0'
        addi t2, t2, -1
        sb   t3, 0(t2)
        div  a0, a0, t1
        bnez a0, lib_putdec_loop
        addi t4, sp, 12
lib_putdec_out:
        lbu  t3, 0(t2)
        sb   t3, 0(t0)
        addi t2, t2, 1
        bne  t2, t4, lib_putdec_out
        addi sp, sp, 12
        ret

# lib_puthex: a0 = a word, as 0x and 8 hex digits.
lib_puthex:
        li   t0, LIB_CONSOLE
        li   t1, '0'
        sb   t1, 0(t0)
        li   t1, 'x'
        sb   t1, 0(t0)
        li   t2, 28
        la   t3, lib_hex_digits
lib_puthex_loop:
        shr  t1, a0, t2
        andi t1, t1, 15
        add  t1, t1, t3
        lbu  t1, 0(t1)
        sb   t1, 0(t0)
        addi t2, t2, -4
        bge  t2, zero, lib_puthex_loop
        ret

# lib_newline: prints "\n".
lib_newline:
        li   t0, LIB_CONSOLE
        li   t1, 10
        sb   t1, 0(t0)
        ret

# lib_show: a0 = a label string, a1 = a number: prints "label number\n".
lib_show:
        push ra
        push a1
        call lib_puts
        pop  a0
        call lib_putdec
        call lib_newline
        pop  ra
        ret

        .data
lib_hex_digits:
        .ascii "0123456789abcdef"
