# Loads and stores: little-endian words, lb sign-extends, lbu does not,
# sb writes one byte, and a word load from an unaligned address traps
# MISALIGNED with BADVA = the address.
# expect: word 0x44332211
# expect: lb 0x80 = -128
# expect: lbu 0x80 = 128
# expect: after sb 0x4433ff11
# expect: lw -8 from 8 past it 0x4433ff11
# expect: MISALIGNED 8 at 0x00002002
# exit: 8
        .text
        li   sp, 0x100000
        la   t0, trap
        csrw TVEC, t0
        li   s0, 0x2000             # a scratch word
        li   t0, 0x11
        sb   t0, 0(s0)
        li   t0, 0x22
        sb   t0, 1(s0)
        li   t0, 0x33
        sb   t0, 2(s0)
        li   t0, 0x44
        sb   t0, 3(s0)
        la   a0, s_word
        call lib_puts
        lw   a0, 0(s0)
        call lib_puthex
        call lib_newline
        li   t0, 0x80
        sb   t0, 4(s0)
        lb   a1, 4(s0)
        la   a0, s_lb
        call lib_show
        lbu  a1, 4(s0)
        la   a0, s_lbu
        call lib_show
        li   t0, -1
        sb   t0, 1(s0)
        la   a0, s_sb
        call lib_puts
        lw   a0, 0(s0)
        call lib_puthex
        call lib_newline
        addi s1, s0, 8
        la   a0, s_neg
        call lib_puts
        lw   a0, -8(s1)             # a negative offset reaches the same word
        call lib_puthex
        call lib_newline
        lw   a0, 2(s0)              # misaligned: traps
        li   a0, 1
        halt

# trap: prints the cause and BADVA, halts with the cause.
trap:
        la   a0, s_misaligned
        call lib_puts
        csrr a0, CAUSE
        call lib_putdec
        la   a0, s_at
        call lib_puts
        csrr a0, BADVA
        call lib_puthex
        call lib_newline
        csrr a0, CAUSE
        halt

        .data
s_word: .asciz "word "
s_lb:   .asciz "lb 0x80 = "
s_lbu:  .asciz "lbu 0x80 = "
s_sb:   .asciz "after sb "
s_neg:  .asciz "lw -8 from 8 past it "
s_misaligned: .asciz "MISALIGNED "
s_at:   .asciz " at "
