# pager.s: demand paging (a process's pages are mapped when first touched)
# and page replacement by the clock algorithm, with a swap area on the disk
# (swap.s) as the backing store.
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
# Replacement is the clock (second-chance) algorithm (Corbato, "A paging
# experiment with the Multics system", 1968; Arpaci-Dusseau, OSTEP ch. 22,
# "Approximating LRU"): a hand sweeps the frames in order; a frame whose
# PTE has A (accessed: set by the hardware walker, or by the software-TLB
# refill handler) gets a second chance (A cleared, its TLB entry dropped
# so the next access sets A again); the first without A is the victim.
# Only frames with one holder and a reverse map entry are candidates
# (kalloc.s): kernel frames, page tables and copy-on-write frames shared
# by fork stay resident.
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
# could be had: no memory and no swap). Page-table updates queued before
# (a paravirtual kernel's lazy MMU mode, platform-pv.s) reach the tables
# first, and its own before it returns: it reads the entries it and its
# callers write.
page_fault:
        push ra
        push s1
        push s2
        shri s2, a0, 12
        shli s2, s2, 12             # s2 = the page
        mv   s1, a1                 # s1 = CAUSE
        call plat_lazy_mmu_flush
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
        push a0
        call plat_lazy_mmu_flush
        pop  a0
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

# page_evict: the clock. Frees one frame by writing a resident user page
# to swap (kalloc calls it when memory runs out). Returns a0 = 1 if a
# frame went back to the free list (or another process took its page back
# meanwhile: try again), 0 if none can be freed: no swap area, swap full,
# a disk error, or no page to take. Two sweeps over the frames with one
# holder come first; if none is found (every user page is shared by fork,
# as right after a fork when memory is full), one more sweep takes the
# first copy-on-write frame (page_out_shared). As page_fault, it flushes
# queued page-table updates when it starts and before it returns: kalloc's
# callers (fork's uvm_share, cow_fault) have entries queued, and read the
# entries page_out rewrote.
page_evict:
        push ra
        push s1
        push s2
        call plat_lazy_mmu_flush
        call swap_available
        beqz a0, page_evict_none
        la   t0, nframes
        lw   s2, 0(t0)
        shli s2, s2, 1              # s2 = frames to look at: two sweeps
page_evict_scan:
        beqz s2, page_evict_shared
        addi s2, s2, -1
        call clock_advance
        mv   s1, a0                 # s1 = the frame under the hand
        beqz a0, page_evict_scan    # below the allocator's frames
        shli a0, s1, 12
        call frame_ref
        lbu  t1, 0(t0)
        li   t2, 1
        bne  t1, t2, page_evict_scan    # free, or shared
        call frame_rmap_of
        lw   a0, 0(t0)              # a0 = its PTE, 0 for a kernel frame
        beqz a0, page_evict_scan
        lw   a1, 0(a0)
        andi t1, a1, PTE_V
        beqz t1, page_evict_scan    # in transit already
        andi t1, a1, PTE_A
        beqz t1, page_evict_victim
        xori a1, a1, PTE_A          # second chance: A off, and the TLB
        lw   t1, 4(t0)              # entry dropped so that the next
        push t1                     # access sets it again
        call plat_set_pte
        pop  a0
        call plat_tlb_inv
        j    page_evict_scan
page_evict_victim:
        shli a0, s1, 12
        call page_out
        j    page_evict_out
page_evict_shared:
        la   t0, nframes
        lw   s2, 0(t0)              # one sweep
page_evict_shared_scan:
        beqz s2, page_evict_none
        addi s2, s2, -1
        call clock_advance
        mv   s1, a0
        beqz a0, page_evict_shared_scan
        shli a0, s1, 12
        call frame_ref
        lbu  t1, 0(t0)
        li   t2, 2
        bltu t1, t2, page_evict_shared_scan # free, or not shared
        shli a0, s1, 12
        call page_out_shared
        j    page_evict_out
page_evict_none:
        li   a0, 0
page_evict_out:
        push a0
        call plat_lazy_mmu_flush
        pop  a0
        pop  s2
        pop  s1
        pop  ra
        ret

# page_out: a0 = a resident user page's frame (physical) with one holder.
# Takes a reference of its own on the frame (frame_hold: whatever happens
# while the disk works, the frame is not freed under it), marks the PTE in
# transit and writes the frame to a new swap slot. The disk driver sleeps
# meanwhile: the holder may take the page back (page_reclaim), share it by
# fork, or exit, and the clock may send it to swap another way
# (page_out_shared). Then, if the PTE is still in transit for this slot, it
# names the slot and the holder's reference goes; else the slot goes.
# Either way the writer's own reference goes last. Returns a0 = 1 (a frame
# freed, or its page taken back: try again) or 0 (no slot, or a disk
# error: the page stays).
page_out:
        push ra
        push s0
        push s1
        push s2
        mv   s1, a0                 # s1 = the frame
        call swap_alloc
        blt  a0, zero, page_out_none
        mv   s2, a0                 # s2 = the slot
        mv   a0, s1
        call frame_hold             # the writer's reference
        mv   a0, s1
        call frame_rmap_of
        lw   a0, 0(t0)              # the PTE
        lw   t1, 4(t0)
        addi t2, s2, 1
        or   t1, t1, t2
        sw   t1, 4(t0)              # the transit tag: slot + 1
        lw   a1, 0(a0)
        xori a1, a1, PTE_V | PTE_PAGEOUT    # V off, in transit
        call plat_set_pte
        mv   a0, s1
        call frame_rmap_of
        lw   a0, 4(t0)
        call plat_tlb_inv           # no access while it is written
        mv   a0, s2
        lui  t0, KERNEL_BASE >> 16
        or   a1, s1, t0
        call swap_write
        mv   s0, a0                 # s0 = 0, or -1 for a disk error
        mv   a0, s1
        call frame_rmap_of
        lw   a0, 0(t0)
        beqz a0, page_out_gone      # the holder exited, or shares it now
        lw   t1, 4(t0)
        andi t1, t1, 0xFFF
        addi t2, s2, 1
        bne  t1, t2, page_out_gone  # taken back by page_reclaim
        bnez s0, page_out_error
        lw   a1, 0(a0)              # still in transit: now in the slot
        andi a1, a1, PTE_KEEP
        shli t1, s2, 12
        or   a1, a1, t1
        ori  a1, a1, PTE_SWAPPED
        sw   zero, 0(t0)            # the frame has no user page any more
        call plat_set_pte
        la   t0, pager_stats
        lw   t1, PS_PAGEOUTS(t0)
        addi t1, t1, 1
        sw   t1, PS_PAGEOUTS(t0)
        mv   a0, s1
        call kfree                  # the holder's reference
        j    page_out_release
page_out_error:                     # the page stays: valid again
        call page_reclaim
        mv   a0, s2
        call swap_free
        mv   a0, s1
        call kfree                  # the writer's reference
        li   a0, 0
        j    page_out_out
page_out_gone:                      # nobody needs the slot
        mv   a0, s2
        call swap_free
page_out_release:
        mv   a0, s1
        call kfree                  # the writer's reference (the last, if
        li   a0, 1                  # the page is in swap or its holder gone)
        j    page_out_out
page_out_none:
        li   a0, 0
page_out_out:
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# clock_advance: returns a0 = the frame under the clock's hand (0 if it is
# below the allocator's frames: the kernel's own) and moves the hand on,
# wrapping to first_frame. Clobbers t0..t2.
clock_advance:
        la   t0, clock_hand
        lw   a0, 0(t0)
        addi t1, a0, 1
        la   t2, nframes
        lw   t2, 0(t2)
        bltu t1, t2, clock_advance_store
        la   t1, first_frame
        lw   t1, 0(t1)
clock_advance_store:
        sw   t1, 0(t0)
        la   t0, first_frame
        lw   t0, 0(t0)
        bgeu a0, t0, clock_advance_out
        li   a0, 0
clock_advance_out:
        ret

# page_out_shared: a0 = a frame (physical) shared copy-on-write by several
# processes. Every holder maps it read-only, so its contents cannot change
# while it is written to a new slot; then each PTE that maps it (found by
# scanning the live processes' page tables: no reverse map is kept for
# shared frames) names the slot instead, the slot gets one holder for each,
# and the frame loses them all. Returns a0 = 1 (a frame freed, or the
# holders let go meanwhile) or 0 (no slot, or a disk error).
page_out_shared:
        push ra
        push s0
        push s1
        push s2
        mv   s1, a0                 # s1 = the frame
        call kref                   # ours, while the disk writes it
        call swap_alloc
        blt  a0, zero, page_out_shared_fail
        mv   s2, a0                 # s2 = the slot
        lui  t0, KERNEL_BASE >> 16
        or   a1, s1, t0
        call swap_write
        bnez a0, page_out_shared_error
        la   s0, proc_table
page_out_shared_proc:
        lw   t0, PROC_STATE(s0)
        beqz t0, page_out_shared_next
        li   t1, P_EXITED           # its memory is gone already
        beq  t0, t1, page_out_shared_next
        mv   a0, s1
        mv   a1, s2
        call unmap_frame_to_slot
page_out_shared_next:
        addi s0, s0, PROC_SIZE
        la   t0, proc_table + NPROC * PROC_SIZE
        bltu s0, t0, page_out_shared_proc
        mv   a0, s2
        call swap_free              # the holder swap_alloc counted
        la   t0, pager_stats
        lw   t1, PS_PAGEOUTS(t0)
        addi t1, t1, 1
        sw   t1, PS_PAGEOUTS(t0)
        mv   a0, s1
        call kfree                  # ours: the last, if every holder let go
        li   a0, 1
        j    page_out_shared_out
page_out_shared_error:
        mv   a0, s2
        call swap_free
page_out_shared_fail:
        mv   a0, s1
        call kfree
        li   a0, 0
page_out_shared_out:
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# unmap_frame_to_slot: a0 = a frame (physical), a1 = a swap slot, s0 = a
# live process. Each of its user PTEs that maps the frame names the slot
# instead (flags kept), the slot gains a holder and the frame loses one.
unmap_frame_to_slot:
        push ra
        push s1
        push s2
        push a0
        push a1
        lw   s1, PROC_PGDIR(s0)
        lui  t0, KERNEL_BASE >> 16
        or   s1, s1, t0
        addi s2, s1, USER_STACK_TOP >> 20   # s2 = past its user directory entries
        addi s1, s1, USER_BASE >> 20        # s1 = a directory entry
unmap_frame_table:
        bgeu s1, s2, unmap_frame_done
        lw   t0, 0(s1)
        addi s1, s1, 4
        andi t1, t0, PTE_V
        beqz t1, unmap_frame_table
        shri t0, t0, 12
        shli t0, t0, 12
        lui  t1, KERNEL_BASE >> 16
        or   t0, t0, t1             # t0 = the page table
        addi t1, t0, PAGE_SIZE      # t1 = its end
unmap_frame_pte:
        bgeu t0, t1, unmap_frame_table
        lw   t2, 0(t0)
        andi t3, t2, PTE_V
        beqz t3, unmap_frame_next
        shri t3, t2, 12
        lw   t4, 4(sp)              # the frame
        shri t4, t4, 12
        bne  t3, t4, unmap_frame_next
        push t0                     # this PTE maps it: to the slot
        push t1
        andi a1, t2, PTE_KEEP
        lw   t3, 8(sp)              # the slot
        shli t3, t3, 12
        or   a1, a1, t3
        ori  a1, a1, PTE_SWAPPED
        mv   a0, t0
        call plat_set_pte
        lw   a0, 8(sp)
        call swap_dup
        lw   a0, 12(sp)
        call kfree
        pop  t1
        pop  t0
unmap_frame_next:
        addi t0, t0, 4
        j    unmap_frame_pte
unmap_frame_done:
        call plat_tlb_flush         # which pages they were is not kept
        pop  a1
        pop  a0
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
clock_hand:     .word 0             # the next frame the clock looks at
pager_stats:    .space PS_RING + NSAMPLES * 8
