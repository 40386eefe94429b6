# kalloc.s: physical pages (xv6 kalloc.c): a free list of pages given back,
# then memory never used yet, from the boot table's BT_FREE up to BT_MEM_TOP.
# Each page has a reference count (one byte in frame_refs, indexed by frame
# number): kalloc sets it to 1, kref adds a sharer (fork's copy-on-write),
# and kfree frees the page only when the last one lets go. Each page also
# has a reverse map entry (frame_rmap, 8 bytes: the kernel address of the
# one PTE that maps it and that PTE's virtual page), which map_page fills
# for a user page with one holder; 0 means the page is the kernel's, shared
# or free, and the clock (pager-clock.s) never evicts it. When memory runs
# out, kalloc asks the clock for a page (page_evict) and tries again.
# Part of the kernel: the loader assembles src/guests/kernel.s and then
# kernel/*.s in KERNEL_FILES order as one program.

        .text

# kinit: takes the reference counts' and the reverse map's pages from the
# start of free memory (9 bytes per frame up to mem_top, zeroed), and
# counts the free frames. Boot calls it first.
kinit:
        la   t0, mem_top
        lw   t1, 0(t0)
        shri t1, t1, 12             # t1 = frames
        la   t0, nframes
        sw   t1, 0(t0)
        shli t2, t1, 3
        add  t1, t1, t2             # 9 bytes each
        addi t1, t1, PAGE_SIZE - 1
        shri t1, t1, 12
        shli t1, t1, 12             # rounded up to whole pages
        la   t0, free_next
        lw   t2, 0(t0)
        add  t3, t2, t1
        sw   t3, 0(t0)              # free_next stays physical
        lui  t0, KERNEL_BASE >> 16
        or   t2, t2, t0             # the counts' kernel address
        or   t3, t3, t0
        la   t0, frame_refs
        sw   t2, 0(t0)
        la   t0, nframes
        lw   t1, 0(t0)
        add  t1, t2, t1
        addi t1, t1, 7
        shri t1, t1, 3
        shli t1, t1, 3
        la   t0, frame_rmap
        sw   t1, 0(t0)              # after the counts, 8-byte aligned
kinit_zero:
        bgeu t2, t3, kinit_done
        sw   zero, 0(t2)
        addi t2, t2, 4
        j    kinit_zero
kinit_done:
        la   t0, free_next
        lw   t1, 0(t0)
        shri t2, t1, 12
        la   t0, first_frame
        sw   t2, 0(t0)              # the first frame kalloc may hand out
        la   t0, mem_top
        lw   t0, 0(t0)
        sub  t0, t0, t1
        shri t0, t0, 12
        la   t1, pager_stats
        sw   t0, PS_FREE(t1)        # every frame from there is free
        ret

# frame_rmap_of: a0 = a page (physical or kernel address); returns t0 =
# the address of its reverse map entry (+0 PTE address, +4 virtual page).
frame_rmap_of:
        la   t0, frame_rmap
        lw   t0, 0(t0)
        shli t1, a0, 2
        shri t1, t1, 14
        shli t1, t1, 3
        add  t0, t0, t1
        ret

# free_frames_add: a0 = +1 or -1 to the free frames count. Clobbers t0, t1.
free_frames_add:
        la   t0, pager_stats
        lw   t1, PS_FREE(t0)
        add  t1, t1, a0
        sw   t1, PS_FREE(t0)
        ret

# frame_ref: a0 = a page, by its physical or its kernel address; returns
# t0 = the address of its count. (Physical memory is below 1 GiB, so the
# frame number is bits 29..12 of either.)
frame_ref:
        la   t0, frame_refs
        lw   t0, 0(t0)
        shli t1, a0, 2
        shri t1, t1, 14
        add  t0, t0, t1
        ret

# frame_hold: a0 = a page kalloc gave out; one more reference, not a
# mapping (pager-out.s page_out, while the disk writes it): its reverse map
# stays. kfree drops it as any other.
frame_hold:
        push ra
        call frame_ref
        lbu  t1, 0(t0)
        addi t1, t1, 1
        sb   t1, 0(t0)
        pop  ra
        ret

# kref: a0 = a page kalloc gave out; one more holder shares it (and the
# clock leaves it alone: its reverse map names one holder only).
kref:
        push ra
        call frame_ref
        lbu  t1, 0(t0)
        addi t1, t1, 1
        sb   t1, 0(t0)
        call frame_rmap_of
        sw   zero, 0(t0)
        pop  ra
        ret

# kalloc: returns a0 = the kernel address of a fresh, zeroed 4 KiB page
# (its physical address + KERNEL_BASE: the same on platforms without
# kseg0), or 0 when memory is exhausted. Pages given back by kfree come first, then
# untouched memory from free_next up to mem_top.
kalloc:
        push ra
kalloc_again:
        call plat_irq_save          # save the interrupt state and mask
                                    # interrupts: the free list is shared
        la   t0, free_list
        lw   a0, 0(t0)
        beqz a0, kalloc_fresh
        lw   t1, 0(a0)              # pop the list: a free page's first word
        sw   t1, 0(t0)              # links to the next one
        j    kalloc_zero
kalloc_fresh:
        la   t0, free_next
        lw   a0, 0(t0)
        la   t1, mem_top
        lw   t1, 0(t1)
        bgeu a0, t1, kalloc_none
        addi t1, a0, PAGE_SIZE
        sw   t1, 0(t0)
        lui  t1, KERNEL_BASE >> 16
        or   a0, a0, t1             # its kernel address
kalloc_zero:
        push a0
        call frame_ref
        li   t1, 1
        sb   t1, 0(t0)              # one holder
        call frame_rmap_of
        sw   zero, 0(t0)            # not evictable until map_page says
        li   a0, -1
        call free_frames_add
        pop  a0
        mv   t0, a0
        addi t1, a0, PAGE_SIZE
kalloc_zero_loop:                   # 16 bytes a round: fewer branches
        sw   zero, 0(t0)
        sw   zero, 4(t0)
        sw   zero, 8(t0)
        sw   zero, 12(t0)
        addi t0, t0, 16
        bne  t0, t1, kalloc_zero_loop
        call plat_irq_restore       # restore the interrupt state
        pop  ra
        ret
kalloc_none:
        call plat_irq_restore
        call page_evict             # the clock frees a page, if there is swap
        bnez a0, kalloc_again
        li   a0, 0
        pop  ra
        ret

# kfree: a0 = a page kalloc gave out, by its kernel or its physical
# address (a PTE's frame); drops one holder and puts the page on the free
# list when none is left.
kfree:
        push ra
        lui  t0, KERNEL_BASE >> 16
        or   a0, a0, t0             # its kernel address
        call plat_irq_save
        call frame_ref
        lbu  t1, 0(t0)
        addi t1, t1, -1
        sb   t1, 0(t0)
        bnez t1, kfree_out          # still shared
        push a0
        call frame_rmap_of
        sw   zero, 0(t0)
        li   a0, 1
        call free_frames_add
        pop  a0
        la   t0, free_list
        lw   t1, 0(t0)
        sw   t1, 0(a0)
        sw   a0, 0(t0)
kfree_out:
        call plat_irq_restore
        pop  ra
        ret

# memcpy: copies a2 bytes (a multiple of 4) from a1 to a0, a word at a time.
memcpy:
        mv   t0, a0
        add  t2, a0, a2
memcpy_loop:
        bgeu t0, t2, memcpy_done
        lw   t1, 0(a1)
        sw   t1, 0(t0)
        addi t0, t0, 4
        addi a1, a1, 4
        j    memcpy_loop
memcpy_done:
        ret

        .data
        .align 4
mem_top:        .word 0             # from the boot table
free_next:      .word 0             # first never-allocated page (physical)
free_list:      .word 0             # pages freed by kfree, linked through their first word
frame_refs:     .word 0             # the reference counts: one byte per frame
frame_rmap:     .word 0             # the reverse map: 8 bytes per frame
nframes:        .word 0             # frames below mem_top
first_frame:    .word 0             # the first frame kalloc hands out
