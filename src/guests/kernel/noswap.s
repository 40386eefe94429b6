# noswap.s: the swap interface (swap.s) for a kernel built without a disk
# driver, as Linux's include/linux/swap.h does without CONFIG_SWAP: there
# is no swap area, so the clock (pager.s page_evict) frees nothing and a
# process that needs a page when memory is full is killed. The loader
# assembles it in place of swap.s while kernel/disk.s is absent.

        .text
# swap_available: a0 = 1 if a page could be written to swap now: never.
swap_available:
# swap_free_slots: a0 = free swap slots: none.
swap_free_slots:
        li   a0, 0
        ret
# swap_alloc: a0 = a slot, or -1: always -1.
swap_alloc:
# swap_read, swap_write (a0 = slot, a1 = a frame's kernel address): -1.
swap_read:
swap_write:
        li   a0, -1
        ret
# swap_dup, swap_free (a0 = slot): no slot is ever handed out.
swap_dup:
swap_free:
        ret
