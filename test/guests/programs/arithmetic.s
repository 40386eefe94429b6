# Arithmetic corner cases: signed division and remainder round toward zero
# (as in C), 32-bit wraparound, shifts by more than 31, and the
# zero-extended immediates of andi/ori/xori/lui.
# expect: -7/2 = -3
# expect: -7%2 = -1
# expect: 7/-2 = -3
# expect: 7%-2 = 1
# expect: -7/-2 = 3
# expect: -7%-2 = -1
# expect: 0x7fffffff+1 = -2147483648
# expect: 65537*65537 = 131073
# expect: -16 sra 2 = -4
# expect: -16 shr 28 = 15
# expect: 1 shl 33 = 2
# expect: slt -1 1 = 1
# expect: sltu -1 1 = 0
# expect: andi -1 0xffff = 65535
# expect: lui 0x8000 = -2147483648
# expect: not 5 = -6
# exit: 0
        .text
        li   sp, 0x100000
        li   t0, -7
        li   t1, 2
        div  a1, t0, t1
        la   a0, s_div1
        call lib_show
        li   t0, -7
        li   t1, 2
        rem  a1, t0, t1
        la   a0, s_rem1
        call lib_show
        li   t0, 7
        li   t1, -2
        div  a1, t0, t1
        la   a0, s_div2
        call lib_show
        li   t0, 7
        li   t1, -2
        rem  a1, t0, t1
        la   a0, s_rem2
        call lib_show
        li   t0, -7
        li   t1, -2
        div  a1, t0, t1
        la   a0, s_div3
        call lib_show
        li   t0, -7
        li   t1, -2
        rem  a1, t0, t1
        la   a0, s_rem3
        call lib_show
        li   t0, 0x7fffffff
        addi a1, t0, 1
        la   a0, s_wrap
        call lib_show
        li   t0, 65537
        mul  a1, t0, t0
        la   a0, s_mul
        call lib_show
        li   t0, -16
        srai a1, t0, 2
        la   a0, s_sra
        call lib_show
        li   t0, -16
        li   t1, 28
        shr  a1, t0, t1
        la   a0, s_shr
        call lib_show
        li   t0, 1
        li   t1, 33
        shl  a1, t0, t1
        la   a0, s_shl
        call lib_show
        li   t0, -1
        li   t1, 1
        slt  a1, t0, t1
        la   a0, s_slt
        call lib_show
        li   t0, -1
        li   t1, 1
        sltu a1, t0, t1
        la   a0, s_sltu
        call lib_show
        li   t0, -1
        andi a1, t0, 0xffff
        la   a0, s_andi
        call lib_show
        lui  a1, 0x8000
        la   a0, s_lui
        call lib_show
        li   t0, 5
        not  a1, t0
        la   a0, s_not
        call lib_show
        li   a0, 0
        halt

        .data
s_div1: .asciz "-7/2 = "
s_rem1: .asciz "-7%2 = "
s_div2: .asciz "7/-2 = "
s_rem2: .asciz "7%-2 = "
s_div3: .asciz "-7/-2 = "
s_rem3: .asciz "-7%-2 = "
s_wrap: .asciz "0x7fffffff+1 = "
s_mul:  .asciz "65537*65537 = "
s_sra:  .asciz "-16 sra 2 = "
s_shr:  .asciz "-16 shr 28 = "
s_shl:  .asciz "1 shl 33 = "
s_slt:  .asciz "slt -1 1 = "
s_sltu: .asciz "sltu -1 1 = "
s_andi: .asciz "andi -1 0xffff = "
s_lui:  .asciz "lui 0x8000 = "
s_not:  .asciz "not 5 = "
