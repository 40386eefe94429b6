# pager-out.s: writing a victim of the clock (pager-clock.s) to swap: a
# page with one holder (page_out, found through its reverse map entry,
# kalloc.s), or a frame shared copy-on-write by fork (page_out_shared,
# found by scanning the page tables of the live processes).

        .text

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
