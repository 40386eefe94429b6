# Paging: the kernel builds a page table that maps virtual 0x00400000 to
# physical 0x00020000 and the console page at virtual 0x00500000, turns
# paging on and prints through both mappings.
# expect: mapped
# exit: 42
        .equ DIR, 0x10000
        .equ TABLE0, 0x11000            # pages 0x00000000..0x003fffff
        .equ TABLE1, 0x12000            # pages 0x00400000..0x007fffff
_start: li   t0, DIR
        li   t1, TABLE0 | 1             # V
        sw   t1, 0(t0)
        li   t1, TABLE1 | 1
        sw   t1, 4(t0)
        li   t0, TABLE0
        li   t1, 0x0000000b             # page 0 -> frame 0: V W X
        sw   t1, 0(t0)
        li   t0, TABLE1
        li   t1, 0x00020003             # 0x00400000 -> 0x00020000: V W
        sw   t1, 0(t0)
        li   t1, 0xffff0003             # 0x00500000 -> the console: V W
        sw   t1, 0x400(t0)
        li   t0, DIR
        csrw PTBR, t0
        csrr t0, STATUS
        ori  t0, t0, 16                 # PG
        csrw STATUS, t0
        li   t0, 0x00400000
        li   t1, 42
        sw   t1, 0(t0)                  # lands in physical 0x20000
        li   t2, 0x00500000             # the console, through its mapping
        la   a1, word
next:   lbu  a2, 0(a1)
        beqz a2, done
        sb   a2, 0(t2)
        addi a1, a1, 1
        j    next
done:   lw   a0, 0(t0)
        halt
word:   .asciz "mapped\n"
