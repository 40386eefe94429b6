# Paging by hand: a directory and one page table map the first 64 KiB at
# their own addresses, virtual 0x00400000 to physical 0x00030000, and the
# console page. A store through the alias shows up at the physical
# address; the walker sets A and D in the PTE; a load from an unmapped
# address faults with BADVA.
# expect: through the alias 0x00c0ffee
# expect: PTE flags after the store 0x00000063
# expect: cause 5 at 0x00500010
# exit: 5
        .equ DIR,   0x10000         # page directory
        .equ TABLE, 0x11000         # page table for 0x00000000-0x003fffff
        .equ TABLE2, 0x12000        # page table for 0x00400000-0x007fffff
        .equ DEVTABLE, 0x13000      # page table for 0xffc00000-0xffffffff
        .text
        li   sp, 0xf000
        la   t0, handler
        csrw TVEC, t0
        li   t0, 0                  # map 0x0000-0xffff: 16 pages, V W X
        li   t1, TABLE
map:
        ori  t2, t0, 0xb
        sw   t2, 0(t1)
        addi t1, t1, 4
        addi t0, t0, 4096
        li   t3, 0x10000
        bltu t0, t3, map
        li   t0, DIR
        li   t1, TABLE | 1
        sw   t1, 0(t0)              # directory[0]
        li   t1, TABLE2 | 1
        sw   t1, 4(t0)              # directory[1]: 0x00400000
        li   t1, DEVTABLE | 1
        li   t2, 0xffc
        add  t2, t0, t2
        sw   t1, 0(t2)              # directory[1023]
        li   t0, TABLE2
        li   t1, 0x30000 | 3        # V W
        sw   t1, 0(t0)
        li   t0, DEVTABLE + 0x3f0 * 4
        li   t1, 0xffff0000 | 3
        sw   t1, 0(t0)
        li   t0, DIR
        csrw PTBR, t0
        li   t0, 2 | 16             # KM | PG
        csrw STATUS, t0
        li   t0, 0x00c0ffee
        li   t1, 0x00400000
        sw   t0, 0(t1)
        la   a0, s_alias
        call lib_puts
        li   t0, 2                  # paging off (KM stays 1): read the
        csrw STATUS, t0             # physical page the alias points to
        li   t1, 0x30000
        lw   a0, 0(t1)
        call lib_puthex
        call lib_newline
        la   a0, s_flags
        call lib_puts
        li   t0, TABLE2
        lw   a0, 0(t0)
        andi a0, a0, 0xfff
        call lib_puthex
        call lib_newline
        li   t0, 2 | 16
        csrw STATUS, t0
        li   t1, 0x00500010
        lw   t0, 0(t1)              # unmapped: PAGE_FAULT_LOAD
        li   a0, 1
        halt

handler:
        la   a0, s_cause
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
s_alias: .asciz "through the alias "
s_flags: .asciz "PTE flags after the store "
s_cause: .asciz "cause "
s_at:    .asciz " at "
