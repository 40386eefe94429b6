# fs.s: the file system on the disk (xv6 fs.c, without its log): the
# superblock, block and inode allocation from the bitmaps, inodes, file
# contents through direct and indirect blocks, directories and path names.
# The layout is src/guests/fs/layout.ts's, which `vmlab mkfs` writes and
# the host's checker reads:
#
#   block 0      boot block          block 1      superblock (below)
#   IBMAP..      inode bitmap        BBMAP..      block bitmap (1 bit a block)
#   INODES..     inode table, 16 inodes of 64 bytes a block
#   DATA..       data blocks         SWAP..SIZE-1 swap area
#
#   superblock                           inode (64 bytes; 1 = the root directory)
#   +0  MAGIC "TFS1" +24 DATA            +0 TYPE u16 0 free 1 dir 2 file  +2 NLINK u16
#   +4  SIZE         +28 NDATA           +4 SIZE bytes   +8 ADDRS[12]   +56 INDIRECT
#   +8  NINODES      +32 SWAP
#   +12 IBMAP        +36 SWAPBLOCKS      directory entry (32 bytes)
#   +16 BBMAP        +40 BSIZE 1024      +0 INUM (0 = free)  +4 NAME, 1-27 bytes, NUL-padded
#   +20 INODES       +44 ROOT 1
#
# Layers, each using the one below (xv6 fs.c's order): blocks (bread, from
# bio.s), bitmaps and allocation, inodes (iget, iput, iupdate, bmap,
# readi, writei), directories (dirlookup, dirlink), path names (namei).
#
# One sleep lock, fs_lock, is held across each whole file-system call
# (fs_begin .. fs_end), as Unix's first kernels let one process at a time
# into the file system: a process that sleeps on the disk keeps it, the
# others that want the file system sleep until it is free. So no inode
# or buffer needs a lock of its own.
#
# The disk is untrusted: it is mounted on the first call (xv6's fsinit,
# from the first process, since reading it sleeps) after its superblock is
# checked; an inode number, a block number or a size out of range is
# refused with a line on the console and the call fails (-1). Every loop
# is bounded by the superblock's counts or by the path's length, so a
# corrupt image (a directory that contains its own ancestor, say) can make
# a call fail but never hang the kernel.

        .equ FS_MAGIC,        0x31534654    # "TFS1"
        .equ SB_MAGIC,        0
        .equ SB_SIZE,         4
        .equ SB_NINODES,      8
        .equ SB_IBMAP,        12
        .equ SB_BBMAP,        16
        .equ SB_INODES,       20
        .equ SB_DATA,         24
        .equ SB_NDATA,        28
        .equ SB_SWAP,         32            # the swap area (swap.s)
        .equ SB_SWAPBLOCKS,   36
        .equ SB_BSIZE,        40
        .equ SB_ROOT,         44
        .equ SB_BYTES,        48
        .equ ROOTINO,         1
        .equ T_DIR,           1
        .equ T_FILE,          2
        .equ NDIRECT,         12
        .equ NINDIRECT,       256
        .equ MAXFILE,         NDIRECT + NINDIRECT   # blocks
        .equ DINODE_SIZE,     64
        .equ DIRENT_SIZE,     32
        .equ DIRSIZ,          27            # longest name
        .equ BITS_PER_BLOCK,  8192

# In-memory inodes (xv6's icache): NINODE entries of INODE_SIZE bytes:
#   +0 I_INUM  +4 I_REF (references: open files, cwds, calls in progress)
#   +8 I_VALID (the on-disk inode is copied in)  +16 the on-disk inode:
        .equ NINODE,          24
        .equ I_INUM,          0
        .equ I_REF,           4
        .equ I_VALID,         8
        .equ I_TYPE,          16            # u16
        .equ I_NLINK,         18            # u16
        .equ I_SIZE,          20
        .equ I_ADDRS,         24
        .equ I_INDIRECT,      72
        .equ INODE_SIZE,      80

        .text
# ---------------------------------------------------------------------------
# The lock and the mount
# ---------------------------------------------------------------------------

# fs_begin: takes the file system (sleeping while another process has it)
# and mounts the disk on first use. Returns a0 = 0 with the lock held, or
# -1 without it when the disk was refused. Keeps s0..s2.
fs_begin:
        push ra
fs_begin_wait:
        la   t0, fs_lock
        lw   t1, 0(t0)
        beqz t1, fs_begin_take
        mv   a0, t0
        call ksleep
        j    fs_begin_wait
fs_begin_take:
        li   t1, 1
        sw   t1, 0(t0)
        la   t0, fs_state
        lw   t1, 0(t0)
        bgt  t1, zero, fs_begin_ok
        bnez t1, fs_begin_refused
        call fs_mount
        la   t0, fs_state
        sw   a0, 0(t0)
        bgt  a0, zero, fs_begin_ok
fs_begin_refused:
        call fs_end
        li   a0, -1
        pop  ra
        ret
fs_begin_ok:
        li   a0, 0
        pop  ra
        ret

# fs_end: lets the file system go; whoever waits for it runs again.
# Keeps a0 and s0..s2.
fs_end:
        push ra
        push a0
        la   a0, fs_lock
        sw   zero, 0(a0)
        call wakeup
        pop  a0
        pop  ra
        ret

# fs_mount: reads and checks the superblock and the root inode. Returns
# a0 = 1 (mounted) or -1 (refused, with a line saying why).
fs_mount:
        push ra
        push s1
        call binit
        la   t1, msg_fs_memory
        bnez a0, fs_mount_refuse
        li   a0, 1
        call bread
        la   t1, msg_fs_unreadable
        beqz a0, fs_mount_refuse
        mv   s1, a0
        la   a0, sb
        lw   a1, BUF_DATA(s1)
        li   a2, SB_BYTES
        call memcpy
        mv   a0, s1
        call brelse
        la   s1, sb
        lw   t0, SB_MAGIC(s1)
        li   t1, FS_MAGIC
        la   t2, msg_fs_magic
        bne  t0, t1, fs_mount_refuse_t2
        lw   t0, SB_BSIZE(s1)
        li   t1, BSIZE
        la   t2, msg_fs_bsize
        bne  t0, t1, fs_mount_refuse_t2
        lw   t0, SB_ROOT(s1)
        li   t1, ROOTINO
        la   t2, msg_fs_root
        bne  t0, t1, fs_mount_refuse_t2
        call plat_disk_blocks
        lw   t0, SB_SIZE(s1)
        la   t2, msg_fs_size
        bltu a0, t0, fs_mount_refuse_t2
        call fs_check_regions
        mv   t2, a0
        bnez t2, fs_mount_refuse_t2
        li   a0, ROOTINO            # the root must be a directory
        call iget
        la   t1, msg_fs_noroot
        beqz a0, fs_mount_refuse
        lbu  t0, I_TYPE(a0)
        push t0
        call iput
        pop  t0
        li   t1, T_DIR
        la   t2, msg_fs_noroot
        bne  t0, t1, fs_mount_refuse_t2
        li   a0, 1
        j    fs_mount_out
fs_mount_refuse_t2:
        mv   t1, t2
fs_mount_refuse:
        push t1
        la   a0, msg_fs_refused
        call kputs
        pop  a0
        call kputs
        li   a0, -1
fs_mount_out:
        pop  s1
        pop  ra
        ret

# fs_check_regions: the superblock's regions in order, inside the disk
# (notes/fs-layout.md): 2 <= IBMAP, IBMAP + its blocks <= BBMAP, ...,
# DATA + NDATA <= SIZE. Returns a0 = 0, or a message saying what is wrong.
fs_check_regions:
        la   t0, sb
        la   a0, msg_fs_regions
        lw   t1, SB_NINODES(t0)
        beqz t1, fs_check_out
        andi t2, t1, 15
        bnez t2, fs_check_out       # NINODES a multiple of 16
        lw   t2, SB_IBMAP(t0)
        li   t3, 2
        bltu t2, t3, fs_check_out
        li   t4, BITS_PER_BLOCK - 1
        add  t3, t1, t4
        shri t3, t3, 13
        add  t2, t2, t3             # IBMAP + inode bitmap blocks
        lw   t3, SB_BBMAP(t0)
        bltu t3, t2, fs_check_out
        lw   t2, SB_SIZE(t0)
        add  t2, t2, t4
        shri t2, t2, 13
        add  t3, t3, t2             # BBMAP + block bitmap blocks
        lw   t2, SB_INODES(t0)
        bltu t2, t3, fs_check_out
        shri t1, t1, 4
        add  t2, t2, t1             # INODES + inode blocks
        lw   t3, SB_DATA(t0)
        bltu t3, t2, fs_check_out
        lw   t1, SB_NDATA(t0)
        beqz t1, fs_check_out
        add  t3, t3, t1             # DATA + NDATA
        bltu t3, t1, fs_check_out   # (wrapped)
        lw   t2, SB_SIZE(t0)
        bltu t2, t3, fs_check_out
        li   a0, 0
fs_check_out:
        ret

# fs_bad: a0 = a message, a1 = a number. Prints "[kernel] fs: <message><number>"
# and a newline; returns a0 = 0. Keeps s0..s2.
fs_bad:
        push ra
        push a1
        push a0
        la   a0, msg_fs
        call kputs
        pop  a0
        call kputs
        pop  a0
        call kputdec
        li   a0, 10
        call kputc
        li   a0, 0
        pop  ra
        ret

# ---------------------------------------------------------------------------
# Bitmaps: allocation of blocks and inodes
# ---------------------------------------------------------------------------

# bit_change: a0 = the bitmap's first block, a1 = bit number, a2 = 1 set /
# 0 clear. Returns a0 = 0, or -1 if the bitmap block could not be read.
bit_change:
        push ra
        push s1
        push s2
        shri t0, a1, 13
        add  a0, a0, t0
        andi s1, a1, BITS_PER_BLOCK - 1  # s1 = the bit within its block
        mv   s2, a2
        call bread
        beqz a0, bit_change_fail
        lw   t0, BUF_DATA(a0)
        shri t1, s1, 3
        add  t0, t0, t1             # t0 = its byte
        andi t1, s1, 7
        li   t2, 1
        shl  t2, t2, t1             # t2 = its mask
        lbu  t1, 0(t0)
        or   t1, t1, t2
        bnez s2, bit_change_store
        xor  t1, t1, t2
bit_change_store:
        sb   t1, 0(t0)
        push a0
        call bwrite
        pop  a0
        call brelse
        li   a0, 0
        j    bit_change_out
bit_change_fail:
        li   a0, -1
bit_change_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# bit_find: a0 = the bitmap's first block, a1 = first bit, a2 = end bit.
# Returns a0 = the first clear bit in [a1, a2), or -1.
bit_find:
        push ra
        push s0
        push s1
        push s2
        mv   s0, a0                 # s0 = bitmap start
        mv   s1, a1                 # s1 = bit
        mv   s2, a2                 # s2 = end
bit_find_block:
        bgeu s1, s2, bit_find_none
        shri a0, s1, 13
        add  a0, a0, s0
        call bread
        beqz a0, bit_find_none
        lw   t0, BUF_DATA(a0)
bit_find_bit:
        shri t1, s1, 3
        andi t1, t1, BSIZE - 1
        add  t1, t1, t0
        lbu  t1, 0(t1)
        andi t2, s1, 7
        shr  t1, t1, t2
        andi t1, t1, 1
        beqz t1, bit_find_found
        addi s1, s1, 1
        bgeu s1, s2, bit_find_release
        andi t1, s1, BITS_PER_BLOCK - 1
        bnez t1, bit_find_bit
bit_find_release:
        call brelse                 # the next bitmap block
        j    bit_find_block
bit_find_found:
        call brelse
        mv   a0, s1
        j    bit_find_out
bit_find_none:
        li   a0, -1
bit_find_out:
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# balloc: returns a0 = a fresh data block, zeroed on the disk, or 0 when
# the disk is full.
balloc:
        push ra
        push s1
        la   t0, sb
        lw   a0, SB_BBMAP(t0)
        lw   a1, SB_DATA(t0)
        lw   a2, SB_NDATA(t0)
        add  a2, a2, a1
        call bit_find
        blt  a0, zero, balloc_none
        mv   s1, a0
        la   t0, sb
        lw   a0, SB_BBMAP(t0)
        mv   a1, s1
        li   a2, 1
        call bit_change
        bnez a0, balloc_none
        mv   a0, s1
        call bget
        beqz a0, balloc_none
        push a0
        lw   a0, BUF_DATA(a0)
        li   a1, BSIZE
        call bzero
        lw   a0, 0(sp)
        call bwrite
        pop  a0
        call brelse
        mv   a0, s1
        j    balloc_out
balloc_none:
        li   a0, 0
balloc_out:
        pop  s1
        pop  ra
        ret

# bfree: a0 = a data block; its bitmap bit is cleared.
bfree:
        push ra
        mv   a1, a0
        la   t0, sb
        lw   a0, SB_BBMAP(t0)
        li   a2, 0
        call bit_change
        pop  ra
        ret

# ialloc: a0 = type. Returns a0 = a referenced in-memory inode for a fresh
# on-disk one of that type (NLINK 0, empty), or 0 when none is free.
ialloc:
        push ra
        push s1
        push s2
        mv   s2, a0
        la   t0, sb
        lw   a0, SB_IBMAP(t0)
        li   a1, 1
        lw   a2, SB_NINODES(t0)
        call bit_find
        blt  a0, zero, ialloc_none
        mv   s1, a0
        la   t0, sb
        lw   a0, SB_IBMAP(t0)
        mv   a1, s1
        li   a2, 1
        call bit_change
        bnez a0, ialloc_none
        mv   a0, s1
        call iget
        beqz a0, ialloc_none
        mv   s1, a0
        addi a0, s1, I_TYPE
        li   a1, DINODE_SIZE
        call bzero
        sb   s2, I_TYPE(s1)
        mv   a0, s1
        call iupdate
        mv   a0, s1
        j    ialloc_out
ialloc_none:
        li   a0, 0
ialloc_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# ---------------------------------------------------------------------------
# Inodes
# ---------------------------------------------------------------------------

# iget: a0 = inode number. Returns a0 = its in-memory inode, read from the
# disk if it was not cached, with one more reference; 0 if the number is
# out of range, the table is full, or the inode is corrupt (said why).
iget:
        push ra
        push s1
        push s2
        mv   s1, a0                 # s1 = inum
        beqz s1, iget_range
        la   t0, sb
        lw   t0, SB_NINODES(t0)
        bgeu s1, t0, iget_range
        la   t0, inodes
        addi t1, t0, NINODE * INODE_SIZE
        li   s2, 0                  # s2 = a free entry
iget_scan:
        lw   t2, I_REF(t0)
        lw   t3, I_VALID(t0)
        or   t3, t3, t2
        beqz t3, iget_unused
        lw   t3, I_INUM(t0)
        beq  t3, s1, iget_hit
        bnez t2, iget_next
iget_unused:
        bnez s2, iget_next
        mv   s2, t0
iget_next:
        addi t0, t0, INODE_SIZE
        bne  t0, t1, iget_scan
        beqz s2, iget_full
        sw   s1, I_INUM(s2)
        li   t0, 1
        sw   t0, I_REF(s2)
        sw   zero, I_VALID(s2)
        la   t0, sb                 # read it: block INODES + inum / 16
        lw   a0, SB_INODES(t0)
        shri t1, s1, 4
        add  a0, a0, t1
        call bread
        beqz a0, iget_unread
        push a0
        lw   a1, BUF_DATA(a0)
        andi t0, s1, 15
        shli t0, t0, 6
        add  a1, a1, t0
        addi a0, s2, I_TYPE
        li   a2, DINODE_SIZE
        call memcpy
        pop  a0
        call brelse
        lw   t0, I_SIZE(s2)         # a size no file can have is corrupt
        li   t1, MAXFILE * BSIZE
        bltu t1, t0, iget_corrupt
        li   t0, 1
        sw   t0, I_VALID(s2)
        mv   a0, s2
        j    iget_out
iget_hit:
        lw   t2, I_REF(t0)
        addi t2, t2, 1
        sw   t2, I_REF(t0)
        mv   a0, t0
        j    iget_out
iget_corrupt:
        la   a0, msg_fs_isize
        mv   a1, s1
        call fs_bad
iget_unread:
        sw   zero, I_REF(s2)
        li   a0, 0
        j    iget_out
iget_range:
        la   a0, msg_fs_irange
        mv   a1, s1
        call fs_bad
        j    iget_out
iget_full:
        li   a0, 0
iget_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# idup: a0 = an in-memory inode; one more reference. Keeps a0.
idup:
        lw   t0, I_REF(a0)
        addi t0, t0, 1
        sw   t0, I_REF(a0)
        ret

# iupdate: a0 = an in-memory inode; its copy goes back to the disk.
iupdate:
        push ra
        push s1
        mv   s1, a0
        la   t0, sb
        lw   a0, SB_INODES(t0)
        lw   t1, I_INUM(s1)
        shri t1, t1, 4
        add  a0, a0, t1
        call bread
        beqz a0, iupdate_out
        push a0
        lw   a0, BUF_DATA(a0)
        lw   t0, I_INUM(s1)
        andi t0, t0, 15
        shli t0, t0, 6
        add  a0, a0, t0
        addi a1, s1, I_TYPE
        li   a2, DINODE_SIZE
        call memcpy
        lw   a0, 0(sp)
        call bwrite
        pop  a0
        call brelse
iupdate_out:
        pop  s1
        pop  ra
        ret

# iput: a0 = an in-memory inode; one reference less. The last reference
# to an inode no directory names any more frees it: its blocks, its
# on-disk inode (TYPE 0) and its bitmap bit (xv6 iput).
iput:
        push ra
        push s1
        mv   s1, a0
        lw   t0, I_REF(s1)
        li   t1, 1
        bne  t0, t1, iput_drop
        lw   t0, I_VALID(s1)
        beqz t0, iput_drop
        lbu  t0, I_NLINK(s1)
        lbu  t1, I_NLINK+1(s1)
        or   t0, t0, t1
        bnez t0, iput_drop
        lbu  t0, I_TYPE(s1)
        beqz t0, iput_drop
        mv   a0, s1
        call itrunc
        sb   zero, I_TYPE(s1)
        mv   a0, s1
        call iupdate
        la   t0, sb
        lw   a0, SB_IBMAP(t0)
        lw   a1, I_INUM(s1)
        li   a2, 0
        call bit_change
        sw   zero, I_VALID(s1)
iput_drop:
        lw   t0, I_REF(s1)
        addi t0, t0, -1
        sw   t0, I_REF(s1)
        pop  s1
        pop  ra
        ret

# block_ok: a0 = a block number an inode holds. Returns a0 = it if it is a
# data block, 0 if it is a hole (0), -1 if it is outside the data blocks
# (said, with the inode a1).
block_ok:
        beqz a0, block_ok_out
        la   t0, sb
        lw   t1, SB_DATA(t0)
        bltu a0, t1, block_ok_bad
        lw   t2, SB_NDATA(t0)
        add  t1, t1, t2
        bgeu a0, t1, block_ok_bad
block_ok_out:
        ret
block_ok_bad:
        push ra
        la   a0, msg_fs_brange
        call fs_bad
        pop  ra
        li   a0, -1
        ret

# bmap: a0 = inode, a1 = block index in the file, a2 = 1 to allocate a
# missing block. Returns a0 = the disk block, 0 for a hole (a2 = 0) or no
# space, -1 for a corrupt block number or an index past the largest file.
bmap:
        push ra
        push s0
        push s1
        push s2
        mv   s0, a0                 # s0 = inode
        mv   s2, a2                 # s2 = allocate?
        li   t0, NDIRECT
        bgeu a1, t0, bmap_indirect
        shli t0, a1, 2
        add  s1, s0, t0
        addi s1, s1, I_ADDRS        # s1 = &addrs[index]
        lw   a0, 0(s1)
        lw   a1, I_INUM(s0)
        call block_ok
        bnez a0, bmap_out
        beqz s2, bmap_out
        call balloc
        beqz a0, bmap_out
        sw   a0, 0(s1)
        push a0
        mv   a0, s0
        call iupdate
        pop  a0
        j    bmap_out
bmap_indirect:
        addi s1, a1, -NDIRECT       # s1 = index in the indirect block
        li   t0, NINDIRECT
        bgeu s1, t0, bmap_bad
        lw   a0, I_INDIRECT(s0)
        lw   a1, I_INUM(s0)
        call block_ok
        blt  a0, zero, bmap_out
        bnez a0, bmap_have_indirect
        beqz s2, bmap_out
        call balloc
        beqz a0, bmap_out
        sw   a0, I_INDIRECT(s0)
        push a0
        mv   a0, s0
        call iupdate
        pop  a0
bmap_have_indirect:
        call bread
        beqz a0, bmap_bad
        push a0                     # the indirect block's buffer
        lw   t0, BUF_DATA(a0)
        shli t1, s1, 2
        add  s1, t0, t1             # s1 = &entry
        lw   a0, 0(s1)
        lw   a1, I_INUM(s0)
        call block_ok
        bnez a0, bmap_release
        beqz s2, bmap_release
        call balloc
        beqz a0, bmap_release
        sw   a0, 0(s1)
        lw   t0, 0(sp)
        push a0
        mv   a0, t0
        call bwrite
        pop  a0
bmap_release:
        pop  t0
        push a0
        mv   a0, t0
        call brelse
        pop  a0
        j    bmap_out
bmap_bad:
        li   a0, -1
bmap_out:
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# itrunc: a0 = inode. Frees every block it holds (xv6 itrunc); SIZE 0.
itrunc:
        push ra
        push s0
        push s1
        push s2
        mv   s0, a0
        li   s1, 0
itrunc_direct:
        li   t0, NDIRECT
        bgeu s1, t0, itrunc_indirect
        shli t0, s1, 2
        add  s2, s0, t0
        lw   a0, I_ADDRS(s2)
        sw   zero, I_ADDRS(s2)
        lw   a1, I_INUM(s0)
        call block_ok
        blt  a0, zero, itrunc_next
        beqz a0, itrunc_next
        call bfree
itrunc_next:
        addi s1, s1, 1
        j    itrunc_direct
itrunc_indirect:
        lw   a0, I_INDIRECT(s0)
        sw   zero, I_INDIRECT(s0)
        lw   a1, I_INUM(s0)
        call block_ok
        blt  a0, zero, itrunc_done
        beqz a0, itrunc_done
        push a0
        call bread
        beqz a0, itrunc_free_indirect
        mv   s1, a0                 # s1 = its buffer
        li   s2, 0
itrunc_entries:
        li   t0, NINDIRECT
        bgeu s2, t0, itrunc_entries_done
        lw   t0, BUF_DATA(s1)
        shli t1, s2, 2
        add  t0, t0, t1
        lw   a0, 0(t0)
        lw   a1, I_INUM(s0)
        call block_ok
        addi s2, s2, 1
        blt  a0, zero, itrunc_entries
        beqz a0, itrunc_entries
        call bfree
        j    itrunc_entries
itrunc_entries_done:
        mv   a0, s1
        call brelse
itrunc_free_indirect:
        pop  a0
        call bfree
itrunc_done:
        sw   zero, I_SIZE(s0)
        mv   a0, s0
        call iupdate
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# readi: a0 = inode, a1 = destination (kernel, or the current process's
# user memory, already checked), a2 = offset, a3 = bytes. Returns a0 =
# bytes read (fewer at the end of the file, 0 past it), or -1. A hole
# reads as zeros.
readi:
        push ra
        push s0
        push s1
        push s2
        addi sp, sp, -8             # 0(sp) = bytes done, 4(sp) = destination
        mv   s0, a0                 # s0 = inode
        mv   s1, a2                 # s1 = offset
        sw   a1, 4(sp)
        sw   zero, 0(sp)
        lw   t0, I_SIZE(s0)
        bgeu s1, t0, readi_done
        sub  t1, t0, s1
        bgeu a3, t1, readi_clip
        mv   t1, a3
readi_clip:
        add  s2, s1, t1             # s2 = end offset
readi_loop:
        bgeu s1, s2, readi_done
        mv   a0, s0
        shri a1, s1, 10
        li   a2, 0
        call bmap
        blt  a0, zero, readi_fail
        call rw_chunk
        push t1
        push t0
        bnez a0, readi_block
        lw   a0, 12(sp)             # a hole: zeros
        mv   a1, t1
        call bzero
        pop  t0
        j    readi_advance
readi_block:
        call bread
        beqz a0, readi_unread
        pop  t0
        lw   t1, 0(sp)
        push a0
        lw   a1, BUF_DATA(a0)
        add  a1, a1, t0
        lw   a0, 12(sp)
        mv   a2, t1
        call bcopy
        pop  a0
        call brelse
readi_advance:
        pop  t1
        call rw_advance
        j    readi_loop
readi_unread:
        addi sp, sp, 8
readi_fail:
        li   a0, -1
        j    readi_out
readi_done:
        lw   a0, 0(sp)
readi_out:
        addi sp, sp, 8
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# writei: a0 = inode, a1 = source (kernel, or checked user memory), a2 =
# offset (at most SIZE), a3 = bytes. Allocates blocks as needed and grows
# SIZE. Returns a0 = bytes written (fewer if the disk filled up, or the
# largest file is reached), or -1 for an offset past the end.
writei:
        push ra
        push s0
        push s1
        push s2
        addi sp, sp, -8             # 0(sp) = bytes done, 4(sp) = source
        mv   s0, a0
        mv   s1, a2
        sw   a1, 4(sp)
        sw   zero, 0(sp)
        lw   t0, I_SIZE(s0)
        bltu t0, s1, writei_bad
        add  s2, s1, a3             # s2 = end offset, at most the largest file
        bltu s2, s1, writei_bad
        li   t0, MAXFILE * BSIZE
        bgeu t0, s2, writei_loop
        mv   s2, t0
writei_loop:
        bgeu s1, s2, writei_done
        mv   a0, s0
        shri a1, s1, 10
        li   a2, 1
        call bmap
        bge  zero, a0, writei_done  # no space (or corrupt): stop here
        call bread
        beqz a0, writei_done
        call rw_chunk
        push t1
        push a0
        lw   a0, BUF_DATA(a0)
        add  a0, a0, t0
        lw   a1, 12(sp)
        mv   a2, t1
        call bcopy
        lw   a0, 0(sp)
        call bwrite
        pop  a0
        call brelse
        pop  t1
        call rw_advance
        j    writei_loop
writei_done:
        lw   t0, I_SIZE(s0)
        bgeu t0, s1, writei_result
        sw   s1, I_SIZE(s0)
        mv   a0, s0
        call iupdate
writei_result:
        lw   a0, 0(sp)
        j    writei_out
writei_bad:
        li   a0, -1
writei_out:
        addi sp, sp, 8
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# rw_chunk, rw_advance: the steps readi's and writei's loops share, leaf
# routines on their registers (s1 = the offset, s2 = the end offset) and
# their frame (0(sp) = bytes done, 4(sp) = the kernel or user pointer).
# rw_chunk: returns t0 = the offset in the block, t1 = the bytes of this
# chunk (to the block's end or the end offset). Keeps a0. Clobbers t2.
rw_chunk:
        andi t0, s1, BSIZE - 1
        li   t1, BSIZE
        sub  t1, t1, t0
        sub  t2, s2, s1
        bgeu t2, t1, rw_chunk_out
        mv   t1, t2
rw_chunk_out:
        ret

# rw_advance: t1 = the bytes just moved: the offset, the pointer and the
# bytes done move on by one chunk. Clobbers t0.
rw_advance:
        add  s1, s1, t1
        lw   t0, 4(sp)
        add  t0, t0, t1
        sw   t0, 4(sp)
        lw   t0, 0(sp)
        add  t0, t0, t1
        sw   t0, 0(sp)
        ret

# ---------------------------------------------------------------------------
# Directories and path names
# ---------------------------------------------------------------------------

# dirlookup: a0 = a directory, a1 = a name (NUL-terminated, kernel).
# Returns a0 = the entry's inode number (0: none), a1 = its offset.
dirlookup:
        push ra
        push s0
        push s1
        push s2
        mv   s0, a0
        mv   s1, a1
        li   s2, 0                  # s2 = offset
dirlookup_loop:
        lw   t0, I_SIZE(s0)
        bgeu s2, t0, dirlookup_none
        mv   a0, s0
        la   a1, dirent
        mv   a2, s2
        li   a3, DIRENT_SIZE
        call readi
        li   t0, DIRENT_SIZE
        bne  a0, t0, dirlookup_none
        la   t0, dirent
        lw   t1, 0(t0)
        beqz t1, dirlookup_next
        addi a0, t0, 4
        mv   a1, s1
        call namecmp
        beqz a0, dirlookup_found
dirlookup_next:
        addi s2, s2, DIRENT_SIZE
        j    dirlookup_loop
dirlookup_found:
        la   t0, dirent
        lw   a0, 0(t0)
        mv   a1, s2
        j    dirlookup_out
dirlookup_none:
        li   a0, 0
dirlookup_out:
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# namecmp: a0 = an entry's 28-byte name field, a1 = a name. Returns a0 = 0
# if they are the same name. Clobbers t0..t2.
namecmp:
        li   t2, DIRSIZ + 1
namecmp_loop:
        lbu  t0, 0(a0)
        lbu  t1, 0(a1)
        bne  t0, t1, namecmp_differ
        beqz t0, namecmp_same
        addi a0, a0, 1
        addi a1, a1, 1
        addi t2, t2, -1
        bnez t2, namecmp_loop
namecmp_same:
        li   a0, 0
        ret
namecmp_differ:
        li   a0, 1
        ret

# dirlink: a0 = a directory, a1 = a name, a2 = an inode number. Adds the
# entry in the first free slot (or at the end). Returns a0 = 0, or -1 if
# the name is there already or the directory cannot grow.
dirlink:
        push ra
        push s0
        push s1
        push s2
        mv   s0, a0
        mv   s1, a1
        mv   s2, a2
        call dirlookup
        bnez a0, dirlink_bad
        li   t0, 0                  # find a free slot
dirlink_scan:
        lw   t1, I_SIZE(s0)
        bgeu t0, t1, dirlink_write
        push t0
        mv   a0, s0
        la   a1, dirent
        mv   a2, t0
        li   a3, DIRENT_SIZE
        call readi
        pop  t0
        li   t1, DIRENT_SIZE
        bne  a0, t1, dirlink_bad
        la   t1, dirent
        lw   t1, 0(t1)
        beqz t1, dirlink_write
        addi t0, t0, DIRENT_SIZE
        j    dirlink_scan
dirlink_write:
        push t0
        la   a0, dirent
        li   a1, DIRENT_SIZE
        call bzero
        la   a0, dirent
        sw   s2, 0(a0)
        addi a0, a0, 4
        mv   a1, s1
        call strcpy_name
        mv   a0, s0
        la   a1, dirent
        pop  a2
        li   a3, DIRENT_SIZE
        call writei
        li   t0, DIRENT_SIZE
        bne  a0, t0, dirlink_bad
        li   a0, 0
        j    dirlink_out
dirlink_bad:
        li   a0, -1
dirlink_out:
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# strcpy_name: a0 = destination, a1 = a name of at most DIRSIZ bytes:
# copies it with its NUL. Clobbers t0.
strcpy_name:
        lbu  t0, 0(a1)
        sb   t0, 0(a0)
        addi a0, a0, 1
        addi a1, a1, 1
        bnez t0, strcpy_name
        ret

# skipelem: a0 = a path (kernel). Copies its first element into name_buf
# and returns a0 = the rest, with the slashes after it skipped; 0 if no
# element is left; -1 if the element is longer than DIRSIZ. (xv6 skipelem.)
skipelem:
        lbu  t0, 0(a0)
        li   t1, '/'
        bne  t0, t1, skipelem_start
        addi a0, a0, 1
        j    skipelem
skipelem_start:
        beqz t0, skipelem_none
        la   t2, name_buf
        li   t3, DIRSIZ
skipelem_copy:
        lbu  t0, 0(a0)
        beqz t0, skipelem_end
        beq  t0, t1, skipelem_end
        beqz t3, skipelem_long
        sb   t0, 0(t2)
        addi t2, t2, 1
        addi a0, a0, 1
        addi t3, t3, -1
        j    skipelem_copy
skipelem_end:
        sb   zero, 0(t2)
skipelem_slashes:
        lbu  t0, 0(a0)
        bne  t0, t1, skipelem_out
        addi a0, a0, 1
        j    skipelem_slashes
skipelem_out:
        ret
skipelem_none:
        li   a0, 0
        ret
skipelem_long:
        li   a0, -1
        ret

# namex: a0 = a path (kernel, NUL-terminated), a1 = 1 to stop at the parent
# (the last element is left in name_buf). Returns a0 = a referenced inode,
# or 0. A relative path starts at the current process's directory. Each
# step consumes path bytes, so the walk ends however the disk's
# directories point (xv6 namex).
namex:
        push ra
        push s0
        push s1
        push s2
        mv   s1, a0                 # s1 = the rest of the path
        mv   s2, a1                 # s2 = parent?
        lbu  t0, 0(s1)
        li   t1, '/'
        beq  t0, t1, namex_root
        la   t0, current
        lw   t0, 0(t0)
        lw   t0, PROC_KSTACK(t0)
        lw   a0, KP_CWD(t0)
        beqz a0, namex_root
        call idup
        mv   s0, a0
        j    namex_loop
namex_root:
        li   a0, ROOTINO
        call iget
        beqz a0, namex_out
        mv   s0, a0                 # s0 = the inode reached so far
namex_loop:
        mv   a0, s1
        call skipelem
        beqz a0, namex_end
        li   t0, -1                 # (a kernel address in kseg0 is negative as a number)
        beq  a0, t0, namex_fail
        mv   s1, a0
        lbu  t0, I_TYPE(s0)
        li   t1, T_DIR
        bne  t0, t1, namex_fail
        beqz s2, namex_lookup
        lbu  t0, 0(s1)
        beqz t0, namex_got          # the parent of the last element
namex_lookup:
        mv   a0, s0
        la   a1, name_buf
        call dirlookup
        beqz a0, namex_fail
        push a0                     # the next inode
        lw   t0, I_INUM(s0)
        push t0                     # the directory it is in
        mv   a0, s0
        call iput
        lw   a0, 4(sp)
        call iget
        pop  a1
        addi sp, sp, 4
        beqz a0, namex_out
        mv   s0, a0
        call dir_named_by           # a directory must be its parent's child
        beqz a0, namex_loop
        lw   a1, I_INUM(s0)
        la   a0, msg_fs_loop
        call fs_bad
        j    namex_fail

# dir_named_by: s0 = an inode reached from directory a1 by name_buf.
# Returns a0 = 0 if that is sound: s0 is not a directory, or the name is
# "." or "..", or its ".." is a1 (so no directory is named from two
# places, and no walk goes round a loop of directories).
dir_named_by:
        push ra
        push a1
        lbu  t0, I_TYPE(s0)
        li   t1, T_DIR
        bne  t0, t1, dir_named_ok
        la   t0, name_buf           # "." or ".."
        lbu  t1, 0(t0)
        li   t2, '.'
        bne  t1, t2, dir_named_check
        lbu  t1, 1(t0)
        beqz t1, dir_named_ok
        bne  t1, t2, dir_named_check
        lbu  t1, 2(t0)
        beqz t1, dir_named_ok
dir_named_check:
        mv   a0, s0
        la   a1, name_dotdot
        call dirlookup
        lw   t0, 0(sp)
        sub  a0, a0, t0
        j    dir_named_out
dir_named_ok:
        li   a0, 0
dir_named_out:
        pop  a1
        pop  ra
        ret
namex_end:
        beqz s2, namex_got
namex_fail:
        mv   a0, s0
        call iput
        li   a0, 0
        j    namex_out
namex_got:
        mv   a0, s0
namex_out:
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# namei: a0 = a path. Returns a0 = its inode (referenced), or 0.
namei:
        li   a1, 0
        j    namex

# nameiparent: a0 = a path. Returns a0 = the directory holding its last
# element (referenced), or 0; the element's name is in name_buf.
nameiparent:
        li   a1, 1
        j    namex

# bcopy: a0 = destination, a1 = source, a2 = bytes (any alignment).
# Clobbers t0, t1.
bcopy:
        beqz a2, bcopy_done
        add  t1, a0, a2
bcopy_loop:
        lbu  t0, 0(a1)
        sb   t0, 0(a0)
        addi a0, a0, 1
        addi a1, a1, 1
        bne  a0, t1, bcopy_loop
bcopy_done:
        ret

# bzero: a0 = address, a1 = bytes (any alignment). Clobbers t0.
bzero:
        beqz a1, bzero_done
        add  t0, a0, a1
bzero_loop:
        sb   zero, 0(a0)
        addi a0, a0, 1
        bne  a0, t0, bzero_loop
bzero_done:
        ret

        .data
        .align 4
fs_lock:        .word 0             # 1 while a process is in the file system
fs_state:       .word 0             # 0 not mounted yet, 1 mounted, -1 refused
sb:             .space SB_BYTES     # the superblock, as read
dirent:         .space DIRENT_SIZE  # one directory entry being read or written
name_buf:       .space DIRSIZ + 1   # a path element (skipelem)
        .align 4
inodes:         .space NINODE * INODE_SIZE
msg_fs:         .asciz "[kernel] fs: "
msg_fs_refused: .asciz "[kernel] fs: the disk is refused: "
msg_fs_memory:  .asciz "no memory for the buffer cache\n"
msg_fs_unreadable: .asciz "its superblock cannot be read (no disk?)\n"
msg_fs_magic:   .asciz "bad magic (not a toy32 file system: TFS1)\n"
msg_fs_bsize:   .asciz "its block size is not 1024\n"
msg_fs_root:    .asciz "its root is not inode 1\n"
msg_fs_size:    .asciz "the superblock's SIZE is larger than the disk\n"
msg_fs_regions: .asciz "the superblock's regions overlap or leave the disk\n"
msg_fs_noroot:  .asciz "inode 1 (the root) is not a directory\n"
msg_fs_irange:  .asciz "inode number out of range: "
msg_fs_isize:   .asciz "size larger than the largest file, inode "
msg_fs_brange:  .asciz "block number outside the data blocks, inode "
msg_fs_loop:    .asciz "a directory loop: its \"..\" is not the directory naming it, inode "
