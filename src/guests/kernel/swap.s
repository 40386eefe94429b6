# swap.s: the swap area (src/guests/fs/layout.ts: the superblock's SWAP and
# SWAPBLOCKS, the last blocks of the disk; SWAP_PAGE_BLOCKS = 4 blocks of
# 1024 bytes hold one 4 KiB page), in slots of one page. Each slot has a
# count of the PTEs that name it (fork shares a page in swap as it shares
# a resident one): 0 is a free slot. The pager (pager.s) is the only
# caller; the disk is reached only through the disk driver's
#
#   disk_rw(a0 = block, a1 = kernel address of a 1024-byte
#           buffer, a2 = 0 read / 1 write) -> a0 = 0, or -1; it sleeps
#           the caller until the transfer is done (kernel/disk.s)
#
# The area is found the first time it is needed, in a process's context
# (the driver sleeps): the superblock (block 1) is read and checked
# against the disk's size (plat_disk_blocks). No disk, a disk that is not a toy32 file system, or one without a swap area
# leaves the kernel without swap (the clock then frees nothing). At most
# SWAP_MAX_SLOTS slots are used (8 MiB), whatever the disk offers.
#
#   superblock  +0 MAGIC "TFS1"  ...  +32 SWAP (first block)  +36 SWAPBLOCKS

        .equ SWAP_MAX_SLOTS,  2048
        .equ SWAP_PAGE_BLOCKS, 4
        # The superblock's fields are fs.s's (SB_*), a block is disk.s's BSIZE.
        .equ SWAP_UNKNOWN,    0             # swap_state
        .equ SWAP_READY,      1
        .equ SWAP_NONE,       2
        .equ SWAP_PROBING,    3             # a process is reading the superblock

        .text

# swap_available: a0 = 1 if a page can be written to swap now (an area,
# and a free slot in it), else 0.
swap_available:
        push ra
        call swap_free_slots
        sltu a0, zero, a0
        pop  ra
        ret

# swap_free_slots: a0 = free slots (0 without swap). Finds the area first
# if it was never looked for.
swap_free_slots:
        push ra
swap_free_look:
        la   a0, swap_state
        lw   t0, 0(a0)
        li   t1, SWAP_PROBING
        bne  t0, t1, swap_free_state
        call ksleep                 # another process is reading the
        j    swap_free_look         # superblock: wait for its answer
swap_free_state:
        bnez t0, swap_free_known
        call swap_init
swap_free_known:
        la   t0, swap_nfree
        lw   a0, 0(t0)
        pop  ra
        ret

# swap_init: reads the superblock; sets swap_start, swap_nslots, swap_nfree
# and swap_state.
swap_init:
        push ra
        la   t0, swap_state
        li   t1, SWAP_PROBING       # the others wait (the driver sleeps)
        sw   t1, 0(t0)
        la   t0, swap_found
        li   t1, SWAP_NONE          # until proved otherwise (and never twice)
        sw   t1, 0(t0)
        call plat_disk_blocks
        la   t0, swap_disk_blocks
        sw   a0, 0(t0)
        li   t1, 2
        bltu a0, t1, swap_init_out  # no disk (no superblock): no request
        li   a0, 1
        la   a1, swap_buffer
        li   a2, 0
        call disk_rw
        bnez a0, swap_init_out      # no disk
        la   t0, swap_buffer
        lw   t1, SB_MAGIC(t0)
        li   t2, FS_MAGIC
        bne  t1, t2, swap_init_out  # not a toy32 file system
        lw   t1, SB_SWAP(t0)        # t1 = first swap block
        lw   t2, SB_SWAPBLOCKS(t0)  # t2 = swap blocks
        lw   t3, SB_SIZE(t0)
        la   t4, swap_disk_blocks
        lw   t4, 0(t4)
        bltu t4, t3, swap_init_out  # a file system larger than the disk
        bgeu t1, t3, swap_init_out  # an area outside the disk: none
        sub  t3, t3, t1
        bltu t3, t2, swap_init_out
        shri t2, t2, 2              # SWAP_PAGE_BLOCKS a slot
        beqz t2, swap_init_out
        li   t3, SWAP_MAX_SLOTS
        bgeu t3, t2, swap_init_size
        mv   t2, t3
swap_init_size:
        la   t0, swap_start
        sw   t1, 0(t0)
        la   t0, swap_nslots
        sw   t2, 0(t0)
        la   t0, swap_nfree
        sw   t2, 0(t0)
        la   t0, swap_found
        li   t1, SWAP_READY
        sw   t1, 0(t0)
swap_init_out:
        la   t0, swap_found
        lw   t1, 0(t0)
        la   a0, swap_state
        sw   t1, 0(a0)              # the answer, and the waiters woken
        call wakeup
        pop  ra
        ret

# swap_alloc: a0 = a free slot, now with one holder, or -1 (none free).
# The search starts after the last slot handed out (a rotating hint).
swap_alloc:
        la   t0, swap_nfree
        lw   t1, 0(t0)
        beqz t1, swap_alloc_none
        la   t2, swap_nslots
        lw   t2, 0(t2)              # t2 = slots
        la   t3, swap_hint
        lw   a0, 0(t3)              # a0 = the slot to try
swap_alloc_scan:
        bltu a0, t2, swap_alloc_check
        li   a0, 0
swap_alloc_check:
        la   t4, swap_refs
        add  t4, t4, a0
        lbu  t1, 0(t4)
        beqz t1, swap_alloc_found
        addi a0, a0, 1
        j    swap_alloc_scan        # a free one exists: nfree > 0
swap_alloc_found:
        li   t1, 1
        sb   t1, 0(t4)
        addi t1, a0, 1
        sw   t1, 0(t3)
        lw   t1, 0(t0)
        addi t1, t1, -1
        sw   t1, 0(t0)
        ret
swap_alloc_none:
        li   a0, -1
        ret

# swap_dup: a0 = a slot; one more PTE names it (fork). Clobbers t0, t1.
swap_dup:
        la   t0, swap_refs
        add  t0, t0, a0
        lbu  t1, 0(t0)
        addi t1, t1, 1
        sb   t1, 0(t0)
        ret

# swap_free: a0 = a slot; one PTE fewer names it; free when none does.
# Clobbers t0..t2.
swap_free:
        la   t0, swap_refs
        add  t0, t0, a0
        lbu  t1, 0(t0)
        beqz t1, swap_free_out      # free already: nothing to drop
        addi t1, t1, -1
        sb   t1, 0(t0)
        bnez t1, swap_free_out
        la   t0, swap_nfree
        lw   t1, 0(t0)
        addi t1, t1, 1
        sw   t1, 0(t0)
swap_free_out:
        ret

# swap_write: a0 = a slot, a1 = a frame's kernel address: the page to the
# slot's blocks. swap_read: the slot's blocks into the frame. Each returns
# a0 = 0, or -1 if the driver failed on a block.
swap_write:
        li   a2, 1
        j    swap_transfer
swap_read:
        li   a2, 0
# swap_transfer: a0 = slot, a1 = frame (kernel address), a2 = 0 read / 1
# write: SWAP_PAGE_BLOCKS calls of disk_rw.
swap_transfer:
        push ra
        push s0
        push s1
        push s2
        la   t0, swap_start
        lw   s0, 0(t0)
        shli t0, a0, 2              # SWAP_PAGE_BLOCKS = 4
        add  s0, s0, t0             # s0 = the slot's first block
        mv   s1, a1                 # s1 = the frame
        addi s2, s0, SWAP_PAGE_BLOCKS   # s2 = past the last block
        push a2
swap_transfer_block:
        bgeu s0, s2, swap_transfer_ok
        mv   a0, s0
        mv   a1, s1
        lw   a2, 0(sp)
        call disk_rw
        bnez a0, swap_transfer_error
        addi s0, s0, 1
        addi s1, s1, BSIZE
        j    swap_transfer_block
swap_transfer_ok:
        li   a0, 0
        j    swap_transfer_out
swap_transfer_error:
        li   a0, -1
swap_transfer_out:
        pop  a2
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

        .data
        .align 4
swap_state:     .word SWAP_UNKNOWN
swap_found:     .word SWAP_NONE         # swap_init's answer, until it is given
swap_disk_blocks: .word 0           # the disk's size (plat_disk_blocks)
swap_start:     .word 0             # the area's first block
swap_nslots:    .word 0
swap_nfree:     .word 0             # free slots
swap_hint:      .word 0             # where swap_alloc looks first
swap_buffer:    .space BSIZE     # the superblock, read once
swap_refs:      .space SWAP_MAX_SLOTS   # holders of each slot (0: free)
