# pager-clock.s: page replacement, the victim's choice (pager.s has the
# page states this reads).
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

        .text

# page_evict: the clock. Frees one frame by writing a resident user page
# to swap (kalloc calls it when memory runs out). Returns a0 = 1 if a
# frame went back to the free list (or another process took its page back
# meanwhile: try again), 0 if none can be freed: no swap area, swap full,
# a disk error, or no page to take. Two sweeps over the frames with one
# holder come first; if none is found (every user page is shared by fork,
# as right after a fork when memory is full), one more sweep takes the
# first copy-on-write frame (page_out_shared).
#
# It sends a paravirtual kernel's queued page-table updates when it starts
# and before it returns (plat_lazy_mmu_flush; platform-pv.s, lazy MMU
# mode): kalloc's callers (fork's uvm_share, cow_fault) may have entries
# queued that the clock reads, and they read entries page_out rewrote.
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

        .data
        .align 4
clock_hand:     .word 0             # the next frame the clock looks at
