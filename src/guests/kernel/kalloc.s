# kalloc.s: physical pages (xv6 kalloc.c): a free list of pages given back,
# then memory never used yet, from the boot table's BT_FREE up to BT_MEM_TOP.
# Part of the kernel: the loader assembles src/guests/kernel.s and then
# kernel/*.s in KERNEL_FILES order as one program.

        .text

# kalloc: returns a0 = the physical address of a fresh, zeroed 4 KiB page,
# or 0 when memory is exhausted. Pages given back by kfree come first, then
# untouched memory from free_next up to mem_top.
kalloc:
        push ra
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
kalloc_zero:
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
        li   a0, 0
        call plat_irq_restore
        pop  ra
        ret

# kfree: a0 = a page kalloc gave out; puts it on the free list.
kfree:
        push ra
        call plat_irq_save
        la   t0, free_list
        lw   t1, 0(t0)
        sw   t1, 0(a0)
        sw   a0, 0(t0)
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
free_next:      .word 0             # first never-allocated page
free_list:      .word 0             # pages freed by kfree, linked through their first word
