# pager.s: demand paging (a process's pages are mapped when first touched),
# with a swap area on the disk (swap.s) as the backing store: the fault
# handler and the statistics.
#
# A user page is in one of these states, told by its PTE:
#
#   0                          never touched: the first access faults and
#                              page_fault fills a frame (zero, or the
#                              program's image) and maps it
#   frame | V | flags          resident
#   frame | PTE_PAGEOUT | fl.  being written to swap by page_evict (the
#                              frame still holds the data: a fault takes
#                              it back at once, Linux's swap cache)
#   slot << 12 | PTE_SWAPPED   in swap slot `slot` (the flags W U X COW
#              | flags         kept): a fault reads it back (a page-in)
#
# The regions a process may touch (kernel.s, "Virtual memory"):
#
#   [USER_BASE, HEAP)           the image: filled from the boot image (U W X)
#   [HEAP, brk)                 the heap: zero-filled (U W)
#   [USER_STACK_BOTTOM, TOP)    the stack, STACK_PAGES pages: zero-filled (U W)
#
# The pager's files: this one takes page faults (fills, page-ins,
# reclaims) and keeps the statistics; pager-clock.s chooses the victim when
# memory runs out; pager-out.s writes it to swap.
#
# Statistics for the host (pager_stats; loader.ts PAGER_STATS_LAYOUT):
#
#   +0  PS_FAULTS    page faults of processes    +20 PS_IMAGE    image pages loaded
#   +4  PS_PAGEINS   pages read from swap        +24 PS_RECLAIMS taken back in transit
#   +8  PS_PAGEOUTS  pages written to swap       +28 PS_SAMPLES  samples taken so far
#   +12 PS_FREE      free frames now             +32 PS_RING     NSAMPLES of {CYCLE,
#   +16 PS_ZERO      zero-filled pages                           free frames}, one per
#                                                                fault, oldest overwritten

        .equ PTE_SWAPPED,     0x80          # software bits, with V = 0
        .equ PTE_PAGEOUT,     0x200
        .equ PTE_KEEP,        PTE_W | PTE_U | PTE_X | PTE_COW   # what swap keeps
        .equ STACK_PAGES,     1             # one page, as before demand paging
        .equ USER_STACK_BOTTOM, USER_STACK_TOP - STACK_PAGES * PAGE_SIZE
        .equ PS_FAULTS,       0
        .equ PS_PAGEINS,      4
        .equ PS_PAGEOUTS,     8
        .equ PS_FREE,         12
        .equ PS_ZERO,         16
        .equ PS_IMAGE,        20
        .equ PS_RECLAIMS,     24
        .equ PS_SAMPLES,      28
        .equ PS_RING,         32
        .equ NSAMPLES,        256
        .equ PF_FAULT,        0             # page_fault's answers
        .equ PF_RETRY,        1
        .equ PF_NOMEM,        -1

        .text

# page_fault: a0 = the address a process (s0) faulted on, a1 = CAUSE.
# Makes the access possible if it can: a page of its regions mapped for
# the first time, read back from swap or taken back in transit, or a
# copy-on-write store (vm.s cow_fault). Returns a0 = PF_RETRY (retry the
# instruction), PF_FAULT (the process's own fault) or PF_NOMEM (no frame
# could be had: no memory and no swap).
#
# A paravirtual kernel queues page-table updates (platform-pv.s, lazy MMU
# mode), and a load of a queued entry reads its old value; none is queued
# when this reads one: a fault from user mode comes after plat_set_return
# sent the queue, user_page_resident (vm.s) sends it before it calls here,
# and kalloc's page_evict sends the updates it makes (pager-clock.s). Every
# path here that writes an entry ends with plat_tlb_inv on it, which sends
# the queue, so the caller reads what was written.
page_fault:
        push ra
        push s1
        push s2
        shri s2, a0, 12
        shli s2, s2, 12             # s2 = the page
        mv   s1, a1                 # s1 = CAUSE
        la   t0, pager_stats
        lw   t1, PS_FAULTS(t0)
        addi t1, t1, 1
        sw   t1, PS_FAULTS(t0)
        call pager_sample
        mv   a0, s2
        call user_region_flags
        beqz a0, page_fault_no      # outside every region
        mv   a1, s2
        lw   a0, PROC_PGDIR(s0)
        li   a2, 0
        call walk
        beqz a0, page_fault_new     # no page table yet: never touched
        lw   t0, 0(a0)
        andi t1, t0, PTE_V
        bnez t1, page_fault_present
        andi t1, t0, PTE_PAGEOUT
        bnez t1, page_fault_reclaim
        andi t1, t0, PTE_SWAPPED
        bnez t1, page_fault_swapped
page_fault_new:
        mv   a0, s2
        call page_fill
        j    page_fault_out
page_fault_reclaim:
        call page_reclaim
        li   a0, PF_RETRY
        j    page_fault_out
page_fault_swapped:
        mv   a0, s2
        call page_in
        j    page_fault_out
page_fault_present:                 # mapped: a protection fault, unless a
        li   t1, CAUSE_PAGE_FAULT_STORE    # store to a copy-on-write page
        bne  s1, t1, page_fault_no
        mv   a0, s2
        call cow_fault
        j    page_fault_out
page_fault_no:
        li   a0, PF_FAULT
page_fault_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# user_region_flags: a0 = a user page of the process s0. Returns a0 = the
# PTE flags its region gives (table above), or 0 outside every region.
user_region_flags:
        li   t0, USER_BASE
        bltu a0, t0, user_region_none
        lw   t0, PROC_HEAP(s0)
        bgeu a0, t0, user_region_heap
        li   a0, PTE_V | PTE_W | PTE_X | PTE_U
        ret
user_region_heap:
        lw   t0, PROC_BRK(s0)
        bltu a0, t0, user_region_data
        li   t0, USER_STACK_BOTTOM
        bltu a0, t0, user_region_none
        li   t0, USER_STACK_TOP
        bgeu a0, t0, user_region_none
user_region_data:
        li   a0, PTE_V | PTE_W | PTE_U
        ret
user_region_none:
        li   a0, 0
        ret

# page_fill: a0 = a page of the process s0 that was never touched. Maps a
# fresh frame there: the program's image bytes in the image region, zeros
# elsewhere (kalloc zeroes). Returns a0 = PF_RETRY or PF_NOMEM.
page_fill:
        push ra
        push s1
        push s2
        mv   s2, a0                 # s2 = the page
        call kalloc                 # may evict a page (the clock)
        beqz a0, page_fill_nomem
        mv   s1, a0                 # s1 = the frame (kernel address)
        lw   t0, PROC_HEAP(s0)
        bgeu s2, t0, page_fill_zero
        mv   a0, s1
        mv   a1, s2
        call image_copy
        la   t0, pager_stats
        lw   t1, PS_IMAGE(t0)
        addi t1, t1, 1
        sw   t1, PS_IMAGE(t0)
        j    page_fill_map
page_fill_zero:
        la   t0, pager_stats
        lw   t1, PS_ZERO(t0)
        addi t1, t1, 1
        sw   t1, PS_ZERO(t0)
page_fill_map:
        mv   a0, s2
        call user_region_flags
        mv   a3, a0
        mv   a0, s1
        mv   a1, s2
        call page_map
        j    page_fill_out
page_fill_nomem:
        li   a0, PF_NOMEM
page_fill_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# page_map: a0 = a frame (kernel address), a1 = a page of the process s0,
# a3 = PTE flags. Maps it with A set (a page just brought in gets its
# second chance) and drops any stale TLB entry (the software-TLB refill
# caches invalid ones). Returns a0 = PF_RETRY, or PF_NOMEM (no page table:
# the frame is given back).
page_map:
        push ra
        push s1
        push s2
        mv   s1, a0
        mv   s2, a1
        lui  t0, KERNEL_BASE >> 16
        sub  a2, a0, t0             # physical
        ori  a3, a3, PTE_A
        lw   a0, PROC_PGDIR(s0)
        call map_page
        bnez a0, page_map_nomem
        mv   a0, s2
        call plat_tlb_inv
        li   a0, PF_RETRY
        j    page_map_out
page_map_nomem:
        mv   a0, s1
        call kfree
        li   a0, PF_NOMEM
page_map_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# image_copy: a0 = a frame (kernel address), a1 = a page of the image
# region of the process s0. Copies what its program's image (boot-table
# entry PROC_PROG) holds at that offset; the rest of the frame stays zero.
image_copy:
        push ra
        li   t0, USER_BASE
        sub  t0, a1, t0             # t0 = offset in the image
        lw   t1, PROC_PROG(s0)
        shli t1, t1, 4              # BTE_SIZE = 16
        li   t2, BOOT_TABLE_KVA + BT_ENTRIES
        add  t1, t1, t2             # t1 = the boot-table entry
        lw   a2, BTE_LENGTH(t1)
        sub  a2, a2, t0             # bytes left from there
        blt  a2, zero, image_copy_out
        li   t2, PAGE_SIZE
        bltu a2, t2, image_copy_part
        mv   a2, t2                 # at most a page
image_copy_part:
        lw   a1, BTE_PHYS(t1)
        lui  t2, KERNEL_BASE >> 16
        or   a1, a1, t2
        add  a1, a1, t0
        call memcpy
image_copy_out:
        pop  ra
        ret

# page_reclaim: a0 = the PTE (kernel address) of a page in transit to
# swap. Valid again at once, with A: page_evict sees it and lets go.
page_reclaim:
        push ra
        push s1
        push s2
        mv   s1, a0
        lw   a0, 0(s1)
        call frame_rmap_of
        lw   s2, 4(t0)
        shri s2, s2, 12
        shli s2, s2, 12             # s2 = the page
        sw   s2, 4(t0)              # the transit tag off: evictor, let go
        lw   a1, 0(s1)
        xori a1, a1, PTE_PAGEOUT
        ori  a1, a1, PTE_V | PTE_A
        mv   a0, s1
        call plat_set_pte
        la   t0, pager_stats
        lw   t1, PS_RECLAIMS(t0)
        addi t1, t1, 1
        sw   t1, PS_RECLAIMS(t0)
        mv   a0, s2
        call plat_tlb_inv
        pop  s2
        pop  s1
        pop  ra
        ret

# page_in: a0 = a page of the process s0 whose PTE names a swap slot.
# Reads the slot into a fresh frame the process has to itself (a slot
# shared by fork gives each holder its copy; copy-on-write becomes
# writable) and frees its share of the slot. Returns a0 = PF_RETRY or
# PF_NOMEM.
page_in:
        push ra
        push s1
        push s2
        mv   s2, a0                 # s2 = the page
        call kalloc                 # may evict a page (the clock)
        beqz a0, page_in_nomem
        mv   s1, a0                 # s1 = the frame
        lw   a0, PROC_PGDIR(s0)     # the PTE again: kalloc may have slept
        mv   a1, s2
        li   a2, 0
        call walk
        lw   a0, 0(a0)
        shri a0, a0, 12             # a0 = the slot
        mv   a1, s1
        push a0
        call swap_read
        pop  t0
        bnez a0, page_in_error
        mv   a0, t0
        call swap_free              # this holder's share of the slot
        la   t0, pager_stats
        lw   t1, PS_PAGEINS(t0)
        addi t1, t1, 1
        sw   t1, PS_PAGEINS(t0)
        lw   a0, PROC_PGDIR(s0)
        mv   a1, s2
        li   a2, 0
        call walk
        lw   a3, 0(a0)
        andi a3, a3, PTE_KEEP
        andi t0, a3, PTE_COW
        beqz t0, page_in_map
        xori a3, a3, PTE_COW | PTE_W    # its own copy now
page_in_map:
        ori  a3, a3, PTE_V
        mv   a0, s1
        mv   a1, s2
        call page_map
        j    page_in_out
page_in_error:
        mv   a0, s1
        call kfree
page_in_nomem:
        li   a0, PF_NOMEM
page_in_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# pager_sample: appends {CYCLE, free frames} to the ring. Clobbers a0, t0..t3.
pager_sample:
        push ra
        call plat_now
        la   t0, pager_stats
        lw   t1, PS_SAMPLES(t0)
        addi t2, t1, 1
        sw   t2, PS_SAMPLES(t0)
        andi t1, t1, NSAMPLES - 1
        shli t1, t1, 3
        add  t1, t1, t0
        sw   a0, PS_RING(t1)
        lw   t2, PS_FREE(t0)
        sw   t2, PS_RING + 4(t1)
        pop  ra
        ret

        .data
        .align 4
pager_stats:    .space PS_RING + NSAMPLES * 8
