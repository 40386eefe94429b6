# file.s: open files and file descriptors (xv6 file.c and sysfile.c), the
# file-system system calls, and the checked access to user memory they
# need. Each process has NOFILE descriptors in its kernel page (sleep.s
# KP_FILES); a descriptor points at an open file of the table below, which
# fork shares (its REF counts the descriptors) and exit closes. Descriptors
# 0, 1 and 2 are the console's and are never handed out: fd 1 and 2 write
# to the console as they always did; fd 0 reads nothing (-1).
#
#   open file (FILE_SIZE bytes, NFILE of them)
#   +0 F_REF   descriptors naming it    +8  F_OFF   the offset of the next read or write
#   +4 F_IP    its inode (fs.s)         +12 F_MODE  1 read, 2 write, 3 both
#
#  12 open(path, flags) -> fd, or -1. flags (xv6's): O_RDONLY 0, O_WRONLY 1,
#       O_RDWR 2, | O_CREATE 0x200 (make a file if there is none), |
#       O_TRUNC 0x400 (empty it). A directory opens read-only.
#  13 read(fd, buf, n) -> bytes read, 0 at the end of the file, or -1
#   2 write(fd, buf, n) -> bytes written (fewer if the disk is full), or -1
#  14 close(fd) -> 0, or -1
#  15 mkdir(path) -> 0, or -1 (it exists, or its parent does not)
#  16 unlink(path) -> 0, or -1 (no such entry, ".", "..", a directory not
#       empty); the inode is freed when its last descriptor closes
#  17 fstat(fd, st) -> 0, or -1; st: +0 type (1 dir, 2 file), +4 links,
#       +8 size in bytes, +12 inode number
#  18 chdir(path) -> 0, or -1; relative paths start there
# Paths are at most MAXPATH - 1 bytes; elements at most 27.

        .equ NFILE,           32
        .equ F_REF,           0
        .equ F_IP,            4
        .equ F_OFF,           8
        .equ F_MODE,          12
        .equ FILE_SIZE,       16
        .equ O_CREATE,        0x200
        .equ O_TRUNC,         0x400
        .equ MAXPATH,         128

        .text
# ---------------------------------------------------------------------------
# User memory
# ---------------------------------------------------------------------------

# copyinstr: a0 = a user string, a1 = kernel destination, a2 = its size.
# Copies the string with its NUL; returns a0 = 0, or -1 if a byte is not
# the process's (s0) to read or no NUL comes within a2 bytes.
copyinstr:
        push ra
        push s1
        push s2
        addi sp, sp, -8
        mv   s1, a0                 # s1 = next user byte
        mv   s2, a1                 # s2 = next kernel byte
        add  t0, a1, a2
        sw   t0, 0(sp)              # the destination's end
        sw   a1, 4(sp)              # and start
copyinstr_loop:
        lw   t0, 0(sp)
        bgeu s2, t0, copyinstr_bad
        lw   t0, 4(sp)
        beq  s2, t0, copyinstr_check    # the first byte,
        andi t1, s1, PAGE_SIZE - 1
        bnez t1, copyinstr_byte         # or the first of a page: check it
copyinstr_check:
        mv   a0, s1
        li   a1, 1
        call user_range_ok
        beqz a0, copyinstr_bad
copyinstr_byte:
        lbu  t0, 0(s1)
        sb   t0, 0(s2)
        addi s1, s1, 1
        addi s2, s2, 1
        bnez t0, copyinstr_loop
        li   a0, 0
        j    copyinstr_out
copyinstr_bad:
        li   a0, -1
copyinstr_out:
        addi sp, sp, 8
        pop  s2
        pop  s1
        pop  ra
        ret

# user_writable: a0 = a user address, a1 = length. Returns a0 = 1 if the
# process s0 may store to every byte, after giving it its own copy of any
# copy-on-write page in the range (vm.s cow_fault): the kernel then writes
# there directly. 0 otherwise.
user_writable:
        push ra
        push s1
        push s2
        mv   s1, a0
        add  s2, a0, a1             # s2 = end
        call user_range_ok          # in user space, mapped, U
        beqz a0, user_writable_out
        shri s1, s1, 12
        shli s1, s1, 12             # s1 = first page
user_writable_page:
        li   a0, 1
        bgeu s1, s2, user_writable_out
        lw   a0, PROC_PGDIR(s0)
        mv   a1, s1
        li   a2, 0
        call walk
        lw   t0, 0(a0)
        andi t1, t0, PTE_W
        bnez t1, user_writable_next
        mv   a0, s1
        call cow_fault              # copy-on-write: its own copy now
        beqz a0, user_writable_out  # read-only: not writable
user_writable_next:
        li   t0, PAGE_SIZE
        add  s1, s1, t0
        j    user_writable_page
user_writable_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# ---------------------------------------------------------------------------
# Open files and descriptors
# ---------------------------------------------------------------------------

# fd_file: a0 = a descriptor of the process s0. Returns a0 = its open file,
# or 0 (a console descriptor, out of range, or closed), a1 = the slot.
fd_file:
        li   t0, 3
        bltu a0, t0, fd_file_none
        li   t0, NOFILE
        bgeu a0, t0, fd_file_none
        lw   t0, PROC_KSTACK(s0)
        shli a0, a0, 2
        add  a1, t0, a0
        addi a1, a1, KP_FILES
        lw   a0, 0(a1)
        ret
fd_file_none:
        li   a0, 0
        ret

# file_alloc: returns a0 = a free open file with REF 1, or 0.
file_alloc:
        la   a0, files
        addi t1, a0, NFILE * FILE_SIZE
file_alloc_loop:
        lw   t0, F_REF(a0)
        beqz t0, file_alloc_found
        addi a0, a0, FILE_SIZE
        bne  a0, t1, file_alloc_loop
        li   a0, 0
        ret
file_alloc_found:
        li   t0, 1
        sw   t0, F_REF(a0)
        sw   zero, F_OFF(a0)
        ret

# fd_alloc: a0 = an open file. Gives it the process s0's lowest free
# descriptor (from 3); returns a0 = it, or -1.
fd_alloc:
        lw   t0, PROC_KSTACK(s0)
        addi t0, t0, KP_FILES + 12
        li   t1, 3
fd_alloc_loop:
        li   t2, NOFILE
        bgeu t1, t2, fd_alloc_none
        lw   t2, 0(t0)
        beqz t2, fd_alloc_found
        addi t0, t0, 4
        addi t1, t1, 1
        j    fd_alloc_loop
fd_alloc_found:
        sw   a0, 0(t0)
        mv   a0, t1
        ret
fd_alloc_none:
        li   a0, -1
        ret

# file_close: a0 = an open file (the file system held). One descriptor
# less; the last one lets its inode go.
file_close:
        push ra
        lw   t0, F_REF(a0)
        addi t0, t0, -1
        sw   t0, F_REF(a0)
        bnez t0, file_close_out
        lw   a0, F_IP(a0)
        call iput
file_close_out:
        pop  ra
        ret

# files_fork: a0 = a child just forked from the process s0. It gets the
# same open files (one more descriptor each) and directory.
files_fork:
        lw   t0, PROC_KSTACK(s0)
        lw   t1, PROC_KSTACK(a0)
        lw   t2, KP_CWD(t0)
        sw   t2, KP_CWD(t1)
        beqz t2, files_fork_fds
        lw   t3, I_REF(t2)
        addi t3, t3, 1
        sw   t3, I_REF(t2)
files_fork_fds:
        addi t4, t0, KP_HEADER
        addi t0, t0, KP_FILES
        addi t1, t1, KP_FILES
files_fork_loop:
        lw   t2, 0(t0)
        sw   t2, 0(t1)
        beqz t2, files_fork_next
        lw   t3, F_REF(t2)
        addi t3, t3, 1
        sw   t3, F_REF(t2)
files_fork_next:
        addi t0, t0, 4
        addi t1, t1, 4
        bne  t0, t4, files_fork_loop
        ret

# files_exit: a0 = a process that is exiting. Closes its files and lets
# its directory go (this may sleep on the disk). A process that never
# opened one does not touch the file system.
files_exit:
        push ra
        push s1
        push s2
        lw   s1, PROC_KSTACK(a0)    # s1 = its kernel page
        lw   t0, KP_CWD(s1)
        addi t1, s1, KP_FILES
        addi t2, s1, KP_HEADER
files_exit_any:
        bnez t0, files_exit_close
        beq  t1, t2, files_exit_out
        lw   t0, 0(t1)
        addi t1, t1, 4
        j    files_exit_any
files_exit_close:
        call fs_begin
        bnez a0, files_exit_out     # (a refused disk has no open files)
        addi s2, s1, KP_FILES
files_exit_fd:
        addi t0, s1, KP_HEADER
        beq  s2, t0, files_exit_cwd
        lw   a0, 0(s2)
        sw   zero, 0(s2)
        addi s2, s2, 4
        beqz a0, files_exit_fd
        call file_close
        j    files_exit_fd
files_exit_cwd:
        lw   a0, KP_CWD(s1)
        sw   zero, KP_CWD(s1)
        beqz a0, files_exit_done
        call iput
files_exit_done:
        call fs_end
files_exit_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# ---------------------------------------------------------------------------
# The system calls (a0..a2 = the user's arguments, s0 = the process)
# ---------------------------------------------------------------------------

# sys_open(path, flags) -> fd, or -1.
sys_open:
        push ra
        push s1
        push s2
        mv   s2, a1                 # s2 = flags
        andi t0, s2, 3
        li   t1, 3
        beq  t0, t1, sys_open_bad   # no mode 3
        call path_begin
        bnez a0, sys_open_bad
        la   a0, path_buf
        andi t0, s2, O_CREATE
        beqz t0, sys_open_lookup
        li   a1, T_FILE
        call create
        j    sys_open_have
sys_open_lookup:
        call namei
sys_open_have:
        beqz a0, sys_open_unlock
        mv   s1, a0                 # s1 = inode
        lbu  t0, I_TYPE(s1)
        li   t1, T_DIR
        bne  t0, t1, sys_open_file
        andi t0, s2, 3
        bnez t0, sys_open_iput      # a directory is read-only
        j    sys_open_alloc
sys_open_file:
        andi t0, s2, O_TRUNC
        beqz t0, sys_open_alloc
        mv   a0, s1
        call itrunc
sys_open_alloc:
        call file_alloc
        beqz a0, sys_open_iput
        sw   s1, F_IP(a0)
        andi t0, s2, 3
        addi t0, t0, 1              # O_RDONLY 1 read, O_WRONLY 2 write, O_RDWR 3
        sw   t0, F_MODE(a0)
        push a0
        call fd_alloc
        pop  t0
        bge  a0, zero, sys_open_done
        sw   zero, F_REF(t0)        # no descriptor left
sys_open_iput:
        mv   a0, s1
        call iput
sys_open_unlock:
        call fs_end
sys_open_bad:
        li   a0, -1
        j    sys_open_out
sys_open_done:
        call fs_end
sys_open_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# create: a0 = a path (kernel), a1 = T_FILE or T_DIR; the file system
# held. Returns a0 = its inode (referenced), made if there was none: an
# existing file is returned as it is when a file is asked for; anything
# else that exists is -1 (0). xv6 sysfile.c create().
create:
        push ra
        push s0
        push s1
        push s2
        mv   s2, a1                 # s2 = type
        call nameiparent
        beqz a0, create_out
        mv   s0, a0                 # s0 = the parent directory
        la   a0, create_name
        la   a1, name_buf
        call strcpy_name
        mv   a0, s0
        la   a1, create_name
        call dirlookup
        beqz a0, create_new
        push a0
        mv   a0, s0
        call iput
        pop  a0
        call iget
        beqz a0, create_out
        lbu  t0, I_TYPE(a0)
        li   t1, T_FILE
        bne  s2, t1, create_exists
        beq  t0, t1, create_out     # an existing file: opened as it is
create_exists:
        call iput
        li   a0, 0
        j    create_out
create_new:
        mv   a0, s2
        call ialloc
        beqz a0, create_fail_parent
        mv   s1, a0                 # s1 = the new inode
        li   t0, 1
        li   t1, T_DIR
        bne  s2, t1, create_links
        li   t0, 2                  # its entry and its own "."
create_links:
        sb   t0, I_NLINK(s1)
        sb   zero, I_NLINK+1(s1)
        mv   a0, s1
        call iupdate
        li   t1, T_DIR
        bne  s2, t1, create_link
        mv   a0, s1
        la   a1, name_dot
        lw   a2, I_INUM(s1)
        call dirlink
        mv   a0, s1
        la   a1, name_dotdot
        lw   a2, I_INUM(s0)
        call dirlink
        lbu  t0, I_NLINK(s0)        # the parent: one more link, the child's ".."
        lbu  t1, I_NLINK+1(s0)
        shli t1, t1, 8
        or   t0, t0, t1
        addi t0, t0, 1
        sb   t0, I_NLINK(s0)
        shri t0, t0, 8
        sb   t0, I_NLINK+1(s0)
        mv   a0, s0
        call iupdate
create_link:
        mv   a0, s0
        la   a1, create_name
        lw   a2, I_INUM(s1)
        call dirlink
        bnez a0, create_undo
        mv   a0, s0
        call iput
        mv   a0, s1
        j    create_out
create_undo:
        sb   zero, I_NLINK(s1)      # nobody names it: iput frees it
        mv   a0, s1
        call iput
create_fail_parent:
        mv   a0, s0
        call iput
        li   a0, 0
create_out:
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# sys_read(fd, buf, n) -> bytes read, or -1.
sys_read:
        push ra
        push s1
        push s2
        blt  a2, zero, sys_read_bad
        mv   s2, a2
        push a1
        call fd_file
        pop  a1
        beqz a0, sys_read_bad
        mv   s1, a0                 # s1 = the open file
        lw   t0, F_MODE(s1)
        andi t0, t0, 1
        beqz t0, sys_read_bad
        push a1
        mv   a0, a1
        mv   a1, s2
        call user_writable
        pop  a1
        beqz a0, sys_read_bad
        push a1
        call fs_begin
        pop  a1
        bnez a0, sys_read_bad
        lw   a0, F_IP(s1)
        lw   a2, F_OFF(s1)
        mv   a3, s2
        call readi
        blt  a0, zero, sys_read_end
        lw   t0, F_OFF(s1)
        add  t0, t0, a0
        sw   t0, F_OFF(s1)
sys_read_end:
        call fs_end
        j    sys_read_out
sys_read_bad:
        li   a0, -1
sys_read_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# file_write(fd, buf, n): sys_write for a descriptor that is not the
# console's -> bytes written, or -1.
file_write:
        push ra
        push s1
        push s2
        blt  a2, zero, file_write_bad
        mv   s2, a2
        push a1
        call fd_file
        pop  a1
        beqz a0, file_write_bad
        mv   s1, a0
        lw   t0, F_MODE(s1)
        andi t0, t0, 2
        beqz t0, file_write_bad
        push a1
        mv   a0, a1
        mv   a1, s2
        call user_range_ok
        pop  a1
        beqz a0, file_write_bad
        push a1
        call fs_begin
        pop  a1
        bnez a0, file_write_bad
        lw   a0, F_IP(s1)
        lw   a2, F_OFF(s1)
        mv   a3, s2
        call writei
        blt  a0, zero, file_write_end
        lw   t0, F_OFF(s1)
        add  t0, t0, a0
        sw   t0, F_OFF(s1)
file_write_end:
        call fs_end
        j    file_write_out
file_write_bad:
        li   a0, -1
file_write_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# sys_close(fd) -> 0, or -1.
sys_close:
        push ra
        call fd_file
        beqz a0, sys_close_bad
        sw   zero, 0(a1)
        push a0
        call fs_begin
        pop  t0
        bnez a0, sys_close_bad
        mv   a0, t0
        call file_close
        call fs_end
        li   a0, 0
        pop  ra
        ret
sys_close_bad:
        li   a0, -1
        pop  ra
        ret

# path_begin: a0 = a user path. Takes the file system, then copies the
# path into path_buf (which is the file system's, so in that order).
# Returns a0 = 0 with the file system held, or -1 without it (a refused
# disk, or a path that is not the process's or too long).
path_begin:
        push ra
        push a0
        call fs_begin
        pop  t0
        bnez a0, path_begin_out
        mv   a0, t0
        la   a1, path_buf
        li   a2, MAXPATH
        call copyinstr
        beqz a0, path_begin_out
        call fs_end
        li   a0, -1
path_begin_out:
        pop  ra
        ret

# sys_mkdir(path) -> 0, or -1.
sys_mkdir:
        push ra
        call path_begin
        bnez a0, sys_mkdir_bad
        la   a0, path_buf
        li   a1, T_DIR
        call create
        beqz a0, sys_mkdir_fail
        call iput
        call fs_end
        li   a0, 0
        pop  ra
        ret
sys_mkdir_fail:
        call fs_end
sys_mkdir_bad:
        li   a0, -1
        pop  ra
        ret

# sys_chdir(path) -> 0, or -1.
sys_chdir:
        push ra
        call path_begin
        bnez a0, sys_chdir_bad
        la   a0, path_buf
        call namei
        beqz a0, sys_chdir_fail
        lbu  t0, I_TYPE(a0)
        li   t1, T_DIR
        beq  t0, t1, sys_chdir_set
        call iput
sys_chdir_fail:
        call fs_end
sys_chdir_bad:
        li   a0, -1
        pop  ra
        ret
sys_chdir_set:
        lw   t0, PROC_KSTACK(s0)
        lw   t1, KP_CWD(t0)
        sw   a0, KP_CWD(t0)
        beqz t1, sys_chdir_done
        mv   a0, t1
        call iput
sys_chdir_done:
        call fs_end
        li   a0, 0
        pop  ra
        ret

# sys_fstat(fd, st) -> 0, or -1.
sys_fstat:
        push ra
        push s1
        push a1
        call fd_file
        pop  a1
        beqz a0, sys_fstat_bad
        lw   s1, F_IP(a0)
        push a1
        mv   a0, a1
        li   a1, 16
        call user_writable
        pop  a1
        beqz a0, sys_fstat_bad
        lbu  t0, I_TYPE(s1)
        sw   t0, 0(a1)
        lbu  t0, I_NLINK(s1)
        lbu  t1, I_NLINK+1(s1)
        shli t1, t1, 8
        or   t0, t0, t1
        sw   t0, 4(a1)
        lw   t0, I_SIZE(s1)
        sw   t0, 8(a1)
        lw   t0, I_INUM(s1)
        sw   t0, 12(a1)
        li   a0, 0
        j    sys_fstat_out
sys_fstat_bad:
        li   a0, -1
sys_fstat_out:
        pop  s1
        pop  ra
        ret

# sys_unlink(path) -> 0, or -1.
sys_unlink:
        push ra
        push s1
        push s2
        call path_begin
        bnez a0, sys_unlink_bad
        la   a0, path_buf
        call nameiparent
        beqz a0, sys_unlink_fail
        mv   s1, a0                 # s1 = the parent
        la   a0, create_name
        la   a1, name_buf
        call strcpy_name
        la   a0, create_name        # "." and ".." stay
        la   a1, name_dot
        call streq
        beqz a0, sys_unlink_parent
        la   a0, create_name
        la   a1, name_dotdot
        call streq
        beqz a0, sys_unlink_parent
        mv   a0, s1
        la   a1, create_name
        call dirlookup
        beqz a0, sys_unlink_parent
        push a1                     # the entry's offset
        call iget
        pop  t0
        beqz a0, sys_unlink_parent
        mv   s2, a0                 # s2 = the inode
        push t0
        lbu  t1, I_TYPE(s2)
        li   t2, T_DIR
        bne  t1, t2, sys_unlink_entry
        mv   a0, s2
        call dir_empty
        bnez a0, sys_unlink_entry
        pop  t0
        mv   a0, s2
        call iput
        j    sys_unlink_parent
sys_unlink_entry:
        la   a0, dirent
        li   a1, DIRENT_SIZE
        call bzero
        mv   a0, s1
        la   a1, dirent
        pop  a2
        li   a3, DIRENT_SIZE
        call writei
        lbu  t1, I_TYPE(s2)
        li   t2, T_DIR
        li   t0, 0                  # a directory: no links left ("." goes too)
        beq  t1, t2, sys_unlink_links
        lbu  t0, I_NLINK(s2)
        lbu  t1, I_NLINK+1(s2)
        shli t1, t1, 8
        or   t0, t0, t1
        addi t0, t0, -1
sys_unlink_links:
        sb   t0, I_NLINK(s2)
        shri t0, t0, 8
        sb   t0, I_NLINK+1(s2)
        mv   a0, s2
        call iupdate
        lbu  t1, I_TYPE(s2)
        li   t2, T_DIR
        bne  t1, t2, sys_unlink_done
        lbu  t0, I_NLINK(s1)        # the parent loses the child's ".."
        lbu  t1, I_NLINK+1(s1)
        shli t1, t1, 8
        or   t0, t0, t1
        addi t0, t0, -1
        sb   t0, I_NLINK(s1)
        shri t0, t0, 8
        sb   t0, I_NLINK+1(s1)
        mv   a0, s1
        call iupdate
sys_unlink_done:
        mv   a0, s2
        call iput
        mv   a0, s1
        call iput
        call fs_end
        li   a0, 0
        j    sys_unlink_out
sys_unlink_parent:
        mv   a0, s1
        call iput
sys_unlink_fail:
        call fs_end
sys_unlink_bad:
        li   a0, -1
sys_unlink_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# dir_empty: a0 = a directory. Returns a0 = 1 if it holds nothing but
# "." and "..".
dir_empty:
        push ra
        push s1
        push s2
        mv   s1, a0
        li   s2, 2 * DIRENT_SIZE
dir_empty_loop:
        lw   t0, I_SIZE(s1)
        li   a0, 1
        bgeu s2, t0, dir_empty_out
        mv   a0, s1
        la   a1, dirent
        mv   a2, s2
        li   a3, DIRENT_SIZE
        call readi
        li   t0, DIRENT_SIZE
        bne  a0, t0, dir_empty_no
        la   t0, dirent
        lw   t0, 0(t0)
        bnez t0, dir_empty_no
        addi s2, s2, DIRENT_SIZE
        j    dir_empty_loop
dir_empty_no:
        li   a0, 0
dir_empty_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# streq: a0, a1 = strings. Returns a0 = 0 if they are equal.
streq:
        lbu  t0, 0(a0)
        lbu  t1, 0(a1)
        bne  t0, t1, streq_no
        beqz t0, streq_yes
        addi a0, a0, 1
        addi a1, a1, 1
        j    streq
streq_yes:
        li   a0, 0
        ret
streq_no:
        li   a0, 1
        ret

        .data
        .align 4
files:          .space NFILE * FILE_SIZE
path_buf:       .space MAXPATH
create_name:    .space DIRSIZ + 1
name_dot:       .asciz "."
name_dotdot:    .asciz ".."
