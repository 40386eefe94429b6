# bio.s: the buffer cache (xv6 bio.c): NBUF buffers of one 1024-byte disk
# block each, so that a block read twice is read from the disk once; the
# least recently used free buffer is the one recycled. The layer below is
# the disk driver (disk.s); the file system (fs.s) uses only bread, bwrite
# and brelse:
#
#   bread(a0 = block)  -> a0 = a buffer holding it (its data at BUF_DATA),
#                         or 0 (every buffer in use, or the disk failed)
#   bwrite(a0 = buffer) -> a0 = 0, or -1: its data to the disk now
#   brelse(a0 = buffer)   done with it; it becomes the most recently used
#
# The whole file system runs under one sleep lock (fs.s fs_begin), so a
# buffer needs no lock of its own: REFS only keeps a buffer in use from
# being recycled in the middle of an operation.
#
#   buffer header (BUF_SIZE bytes, NBUF of them in bufs)
#   +0 BLOCK  the block it holds        +8  REFS   holders now
#   +4 VALID  1 once read or written    +12 DATA   physical address of its 1024 bytes
#                                       +16 STAMP  bio_clock at its last brelse (LRU)
#
# The data (NBUF KiB) is taken from kalloc on the first bread, not at boot:
# a kernel that never touches its disk spends nothing on it.

        .equ NBUF,            12
        .equ BUF_BLOCK,       0
        .equ BUF_VALID,       4
        .equ BUF_REFS,        8
        .equ BUF_DATA,        12
        .equ BUF_STAMP,       16
        .equ BUF_SIZE,        20

        .text
# binit: gives the buffers their data pages (4 buffers a page) if they have
# none yet. Returns a0 = 0, or -1 when out of memory.
binit:
        push ra
        push s1
        push s2
        la   t0, bufs_ready
        lw   t0, 0(t0)
        bnez t0, binit_ok
        la   s1, bufs               # s1 = the next header
        li   s2, NBUF               # s2 = buffers left
binit_page:
        beqz s2, binit_done
        call kalloc
        beqz a0, binit_fail
        li   t1, 4                  # four 1024-byte buffers a page
binit_buffer:
        sw   a0, BUF_DATA(s1)
        addi a0, a0, BSIZE
        addi s1, s1, BUF_SIZE
        addi s2, s2, -1
        beqz s2, binit_done
        addi t1, t1, -1
        bnez t1, binit_buffer
        j    binit_page
binit_done:
        la   t0, bufs_ready
        li   t1, 1
        sw   t1, 0(t0)
binit_ok:
        li   a0, 0
        j    binit_out
binit_fail:
        li   a0, -1
binit_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# bget: a0 = block. Returns a0 = the buffer that holds it (VALID) or the
# least recently used free one, now given to that block (VALID = 0), with
# one more holder; 0 if every buffer is held. Clobbers t0..t4.
bget:
        la   t0, bufs
        addi t1, t0, NBUF * BUF_SIZE
        li   t2, 0                  # t2 = the best free buffer so far
bget_scan:
        lw   t3, BUF_VALID(t0)
        beqz t3, bget_free
        lw   t3, BUF_BLOCK(t0)
        beq  t3, a0, bget_hit
bget_free:
        lw   t3, BUF_REFS(t0)
        bnez t3, bget_next
        beqz t2, bget_take
        lw   t3, BUF_STAMP(t0)
        lw   t4, BUF_STAMP(t2)
        bgeu t3, t4, bget_next
bget_take:
        mv   t2, t0
bget_next:
        addi t0, t0, BUF_SIZE
        bne  t0, t1, bget_scan
        beqz t2, bget_none
        sw   a0, BUF_BLOCK(t2)
        sw   zero, BUF_VALID(t2)
        mv   t0, t2
bget_hit:
        lw   t3, BUF_REFS(t0)
        addi t3, t3, 1
        sw   t3, BUF_REFS(t0)
        mv   a0, t0
        ret
bget_none:
        li   a0, 0
        ret

# bread: a0 = block. Returns a0 = a buffer holding it, or 0 (the caller
# says what failed). Sleeps while the disk reads it.
bread:
        push ra
        push s1
        call bget
        beqz a0, bread_out
        mv   s1, a0
        lw   t0, BUF_VALID(s1)
        bnez t0, bread_done
        lw   a0, BUF_BLOCK(s1)
        lw   a1, BUF_DATA(s1)
        li   a2, 0
        call disk_rw
        bnez a0, bread_failed
        li   t0, 1
        sw   t0, BUF_VALID(s1)
bread_done:
        mv   a0, s1
        j    bread_out
bread_failed:
        mv   a0, s1
        call brelse
        li   a0, 0
bread_out:
        pop  s1
        pop  ra
        ret

# bwrite: a0 = a buffer the caller holds. Writes its data to its block;
# returns a0 = 0, or -1 if the disk failed.
bwrite:
        push ra
        li   t0, 1
        sw   t0, BUF_VALID(a0)
        lw   a1, BUF_DATA(a0)
        lw   a0, BUF_BLOCK(a0)
        li   a2, 1
        call disk_rw
        pop  ra
        ret

# brelse: a0 = a buffer. One holder less; it is now the most recently used.
# Clobbers t0, t1.
brelse:
        lw   t0, BUF_REFS(a0)
        addi t0, t0, -1
        sw   t0, BUF_REFS(a0)
        la   t0, bio_clock
        lw   t1, 0(t0)
        addi t1, t1, 1
        sw   t1, 0(t0)
        sw   t1, BUF_STAMP(a0)
        ret

        .data
        .align 4
bufs_ready:     .word 0
bio_clock:      .word 0             # counts brelse calls: the LRU's clock
bufs:
        .space NBUF * BUF_SIZE
