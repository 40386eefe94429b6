# The TLB caches translations: after a PTE changes, the old translation
# stays in use until software drops it with tlbinv (or tlbflush). Virtual
# page 0x00400000 maps to physical 0x30000, then the PTE is pointed at
# 0x31000: without tlbinv the load still reads the old page.
# expect: first mapping 0x00000111
# expect: PTE changed, no tlbinv 0x00000111
# expect: after tlbinv 0x00000222
# exit: 0
        .equ DIR,   0x10000
        .equ TABLE, 0x11000         # 0x00000000-0x003fffff
        .equ TABLE2, 0x12000        # 0x00400000-0x007fffff
        .equ DEVTABLE, 0x13000      # 0xffc00000-0xffffffff
        .text
        li   sp, 0xf000
        li   t0, 0x111
        li   t1, 0x30000
        sw   t0, 0(t1)
        li   t0, 0x222
        li   t1, 0x31000
        sw   t0, 0(t1)
        li   t0, 0                  # identity map 0x00000-0x1ffff (V W X),
                                    # the page tables included
        li   t1, TABLE
map:
        ori  t2, t0, 0xb
        sw   t2, 0(t1)
        addi t1, t1, 4
        addi t0, t0, 4096
        li   t3, 0x20000
        bltu t0, t3, map
        li   t0, DIR
        li   t1, TABLE | 1
        sw   t1, 0(t0)
        li   t1, TABLE2 | 1
        sw   t1, 4(t0)
        li   t1, DEVTABLE | 1
        li   t2, 0xffc
        add  t2, t0, t2
        sw   t1, 0(t2)
        li   t0, DEVTABLE + 0x3f0 * 4
        li   t1, 0xffff0000 | 3
        sw   t1, 0(t0)              # the console page
        li   s0, TABLE2             # s0 = the PTE of 0x00400000
        li   t1, 0x30000 | 3
        sw   t1, 0(s0)
        li   t0, DIR
        csrw PTBR, t0
        li   t0, 2 | 16             # KM | PG
        csrw STATUS, t0
        li   s1, 0x00400000         # s1 = the virtual address
        la   a0, s_first
        call lib_puts
        lw   a0, 0(s1)
        call lib_puthex
        call lib_newline
        li   t1, 0x31000 | 3
        sw   t1, 0(s0)              # change the PTE ...
        la   a0, s_stale
        call lib_puts
        lw   a0, 0(s1)              # ... the TLB still has the old one
        call lib_puthex
        call lib_newline
        tlbinv s1
        la   a0, s_fresh
        call lib_puts
        lw   a0, 0(s1)
        call lib_puthex
        call lib_newline
        li   a0, 0
        halt

        .data
s_first: .asciz "first mapping "
s_stale: .asciz "PTE changed, no tlbinv "
s_fresh: .asciz "after tlbinv "
