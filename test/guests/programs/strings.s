# Strings with .asciz and its escapes: length, in-place reversal, and
# characters compared as numbers.
# expect: length of "toy32\tvm" = 8
# expect: reversed: 23yot
# expect: quote " and backslash \ survive
# expect: 'A' + 2 = C
# exit: 8
        .text
        li   sp, 0x100000
        la   a0, s_tab
        call strlen
        mv   s0, a0
        mv   a1, a0
        la   a0, s_length
        call lib_show
        la   a0, word
        call reverse
        la   a0, s_reversed
        call lib_puts
        la   a0, word
        call lib_puts
        call lib_newline
        la   a0, s_escapes
        call lib_puts
        la   a0, s_char
        call lib_puts
        li   a0, 'A' + 2
        call lib_putc
        call lib_newline
        mv   a0, s0
        halt

# strlen(s): the number of bytes before the NUL.
strlen:
        mv   t0, a0
strlen_loop:
        lbu  t1, 0(t0)
        beqz t1, strlen_done
        addi t0, t0, 1
        j    strlen_loop
strlen_done:
        sub  a0, t0, a0
        ret

# reverse(s): reverses the string in place.
reverse:
        push ra
        push a0
        call strlen
        pop  t0                     # t0 = first byte
        add  t1, t0, a0
        addi t1, t1, -1             # t1 = last byte
reverse_loop:
        bgeu t0, t1, reverse_done
        lbu  t2, 0(t0)
        lbu  t3, 0(t1)
        sb   t3, 0(t0)
        sb   t2, 0(t1)
        addi t0, t0, 1
        addi t1, t1, -1
        j    reverse_loop
reverse_done:
        pop  ra
        ret

        .data
s_tab:      .asciz "toy32\tvm"
s_length:   .asciz "length of \"toy32\\tvm\" = "
word:       .asciz "toy32"
s_reversed: .asciz "reversed: "
s_escapes:  .asciz "quote \" and backslash \\ survive\n"
s_char:     .asciz "'A' + 2 = "
