# exec.s: exec(path, argv) (xv6 exec.c): replaces the calling process's
# memory with a program from the file system, a TX32 executable
# (src/guests/fs/executable.ts; what `vmlab mkfs` writes for a .s file):
#
#   +0  MAGIC  "TX32" (0x32335854)   +8   LENGTH  bytes of image after the header
#   +4  ENTRY  entry point (virtual) +12  BSS     zero bytes mapped after the image
#   +16 the image, assembled to run at USER_BASE
#
#  19 exec(path, argv) -> does not return on success; -1 if the file is
#       missing, not a TX32 executable, corrupt, or memory runs out (the
#       caller's memory is then untouched). argv: a user array of string
#       pointers ending in 0 (or 0 for none), at most MAXARG, ARGBYTES of
#       strings in all. The program starts at ENTRY with a0 = argc and
#       a1 = argv, the strings and the array at the top of its stack page:
#
#   0x80000000 +------------------------------+ USER_STACK_TOP
#              | the argument strings         |
#              | argv[0] .. argv[argc-1], 0   | <- a1 = argv
#   sp = argv  +------------------------------+   the stack grows down from here
#
# The new address space is built whole (in exec_space, a process-table
# record of its own, so that uvm_free can take it back on a failure)
# before the old one is let go, so a failed exec returns to a process
# that is just as it was. The file system is held throughout.
#
# sys_bootexec, at the end, does the same with one of the boot image's
# programs: how init (src/guests/init.s) starts the built-in ones.

        .equ MAXARG,          16
        .equ ARGBYTES,        2048
        .equ TX32_MAGIC,      0x32335854
        .equ TX_MAGIC,        0
        .equ TX_ENTRY,        4
        .equ TX_LENGTH,       8
        .equ TX_BSS,          12
        .equ TX_HEADER,       16
        .equ MAXIMAGE,        0x01000000    # image + BSS (16 MiB, far below HEAP_LIMIT)

        .text
# sys_exec(path, argv).
sys_exec:
        push ra
        push s1
        push s2
        mv   s2, a1                 # s2 = user argv
        push a0
        call fs_begin               # exec_* are the file system's too
        pop  t0
        bnez a0, sys_exec_bad
        mv   a0, t0
        la   a1, exec_path
        li   a2, MAXPATH
        call copyinstr
        bnez a0, sys_exec_unlock
        mv   a0, s2
        call exec_args              # the strings into exec_strings
        blt  a0, zero, sys_exec_unlock
        la   a0, exec_path
        call namei
        beqz a0, sys_exec_unlock
        mv   s1, a0                 # s1 = the file's inode
        call exec_load              # a0 = 0: exec_space holds the program
        bnez a0, sys_exec_iput
        mv   a0, s1
        call iput
        call exec_commit            # the process runs it from now on
        call fs_end
        la   t0, exec_argc
        lw   a0, 0(t0)              # a0 = argc (trap_syscall_return stores it)
        j    sys_exec_out
sys_exec_iput:
        mv   a0, s1
        call iput
sys_exec_unlock:
        call fs_end
sys_exec_bad:
        li   a0, -1
sys_exec_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# exec_args: a0 = a user argv (or 0). Copies its strings into exec_strings,
# their offsets into exec_offsets, the count into exec_argc. Returns a0 =
# 0, or -1 (too many, too long, not the process's memory).
exec_args:
        push ra
        push s1
        push s2
        mv   s1, a0                 # s1 = next argv slot
        li   s2, 0                  # s2 = bytes of strings so far
        la   t0, exec_argc
        sw   zero, 0(t0)
        beqz s1, exec_args_done
exec_args_loop:
        mv   a0, s1
        li   a1, 4
        call user_range_ok
        beqz a0, exec_args_bad
        lw   a0, 0(s1)              # the next string
        beqz a0, exec_args_done
        la   t0, exec_argc
        lw   t1, 0(t0)
        li   t2, MAXARG
        bgeu t1, t2, exec_args_bad
        addi t2, t1, 1
        sw   t2, 0(t0)
        la   t0, exec_offsets
        shli t1, t1, 2
        add  t0, t0, t1
        sw   s2, 0(t0)
        la   a1, exec_strings
        add  a1, a1, s2
        li   a2, ARGBYTES
        sub  a2, a2, s2
        call copyinstr
        bnez a0, exec_args_bad
        la   a0, exec_strings
        add  a0, a0, s2
        call strlen_k
        add  s2, s2, a0
        addi s2, s2, 1
        addi s1, s1, 4
        j    exec_args_loop
exec_args_done:
        li   a0, 0
        j    exec_args_out
exec_args_bad:
        li   a0, -1
exec_args_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# strlen_k: a0 = a kernel string; a0 = its length. Clobbers t0, t1.
strlen_k:
        mv   t0, a0
strlen_k_loop:
        lbu  t1, 0(t0)
        beqz t1, strlen_k_done
        addi t0, t0, 1
        j    strlen_k_loop
strlen_k_done:
        sub  a0, t0, a0
        ret

# exec_load: a0 = the executable's inode (the file system held). Checks
# its header and builds exec_space: the image, its BSS, the stack page
# with the arguments. Returns a0 = 0, or -1 with nothing left allocated.
exec_load:
        push ra
        push s1
        push s2
        mv   s1, a0                 # s1 = inode
        lbu  t0, I_TYPE(s1)
        li   t1, T_FILE
        bne  t0, t1, exec_load_bad
        mv   a0, s1
        la   a1, exec_header
        li   a2, 0
        li   a3, TX_HEADER
        call readi
        li   t0, TX_HEADER
        bne  a0, t0, exec_load_bad
        la   t0, exec_header
        lw   t1, TX_MAGIC(t0)
        li   t2, TX32_MAGIC
        bne  t1, t2, exec_load_bad
        lw   t1, TX_LENGTH(t0)      # LENGTH: what follows the header
        lw   t2, I_SIZE(s1)
        addi t2, t2, -TX_HEADER
        bne  t1, t2, exec_load_bad
        lw   t2, TX_ENTRY(t0)       # ENTRY inside the image
        li   t3, USER_BASE
        bltu t2, t3, exec_load_bad
        add  t3, t3, t1
        bgeu t2, t3, exec_load_bad
        lw   t2, TX_BSS(t0)
        li   t3, MAXIMAGE
        bgeu t2, t3, exec_load_bad
        add  t2, t2, t1
        bgeu t2, t3, exec_load_bad
        la   t0, exec_space         # a fresh directory, nothing mapped yet
        li   t1, USER_BASE
        sw   t1, PROC_BRK(t0)
        call uvm_create
        la   t0, exec_space
        sw   a0, PROC_PGDIR(t0)
        beqz a0, exec_load_bad
        li   s2, 0                  # s2 = offset of the page to map
exec_load_page:
        la   t0, exec_header
        lw   t1, TX_LENGTH(t0)
        lw   t2, TX_BSS(t0)
        add  t1, t1, t2
        bgeu s2, t1, exec_load_stack
        call kalloc                 # zeroed: BSS and the image's tail
        beqz a0, exec_load_free
        push a0
        lui  t0, KERNEL_BASE >> 16
        sub  a2, a0, t0             # map_page takes the frame's physical address
        la   t0, exec_space
        lw   a0, PROC_PGDIR(t0)
        li   a1, USER_BASE
        add  a1, a1, s2
        li   a3, PTE_V | PTE_W | PTE_X | PTE_U
        call map_page
        pop  t3                     # t3 = the page
        bnez a0, exec_load_unmapped
        li   t0, USER_BASE + PAGE_SIZE
        add  t0, t0, s2
        la   t1, exec_space
        sw   t0, PROC_BRK(t1)       # mapped up to here
        la   t0, exec_header
        lw   t1, TX_LENGTH(t0)
        bgeu s2, t1, exec_load_next # a BSS page: zero already
        sub  a3, t1, s2
        li   t0, PAGE_SIZE
        bltu a3, t0, exec_load_read
        mv   a3, t0
exec_load_read:
        push a3
        mv   a0, s1
        mv   a1, t3
        addi a2, s2, TX_HEADER
        call readi
        pop  a3
        bne  a0, a3, exec_load_free
exec_load_next:
        li   t0, PAGE_SIZE
        add  s2, s2, t0
        j    exec_load_page
exec_load_unmapped:
        mv   a0, t3
        call kfree
        j    exec_load_free
exec_load_stack:
        call kalloc
        beqz a0, exec_load_free
        push a0
        lui  t0, KERNEL_BASE >> 16
        sub  a2, a0, t0             # physical, as above
        la   t0, exec_space
        lw   a0, PROC_PGDIR(t0)
        li   a1, USER_STACK_PAGE
        li   a3, PTE_V | PTE_W | PTE_U
        call map_page
        pop  a1
        bnez a0, exec_load_stack_lost
        mv   a0, a1
        call exec_stack
        li   a0, 0
        j    exec_load_out
exec_load_stack_lost:
        mv   a0, a1
        call kfree
exec_load_free:
        la   a0, exec_space         # give back what was mapped (uvm_free
        call uvm_free               # skips the pages never mapped)
exec_load_bad:
        li   a0, -1
exec_load_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# exec_stack: a0 = the new stack page (physical). Copies the argument
# strings to its top and argv below them (diagram above); sets exec_sp.
exec_stack:
        push ra
        push s1
        push s2
        mv   s1, a0                 # s1 = the page
        addi s2, s1, PAGE_SIZE      # s2 = where the next string goes (kernel address)
        la   t0, exec_argc
        lw   t0, 0(t0)
        push t0                     # i = argc, counting down
exec_stack_string:
        lw   t0, 0(sp)
        beqz t0, exec_stack_array
        addi t0, t0, -1
        sw   t0, 0(sp)
        la   t1, exec_offsets
        shli t2, t0, 2
        add  t1, t1, t2
        lw   t1, 0(t1)
        la   a0, exec_strings
        add  a0, a0, t1             # the string
        push a0
        call strlen_k
        addi a2, a0, 1
        sub  s2, s2, a2
        pop  a1
        mv   a0, s2
        call bcopy
        lw   t0, 0(sp)              # argv[i] = its user address
        la   t1, exec_user_argv
        shli t2, t0, 2
        add  t1, t1, t2
        sub  t2, s2, s1
        li   t3, USER_STACK_PAGE
        add  t2, t2, t3
        sw   t2, 0(t1)
        j    exec_stack_string
exec_stack_array:
        pop  t0
        shri s2, s2, 2
        shli s2, s2, 2              # word-aligned
        la   t0, exec_argc
        lw   t0, 0(t0)
        addi t1, t0, 1
        shli t1, t1, 2
        sub  s2, s2, t1             # room for argv[0..argc]
        li   t1, 0
exec_stack_copy:
        bgeu t1, t0, exec_stack_null
        la   t2, exec_user_argv
        shli t3, t1, 2
        add  t2, t2, t3
        lw   t2, 0(t2)
        add  t3, s2, t3
        sw   t2, 0(t3)
        addi t1, t1, 1
        j    exec_stack_copy
exec_stack_null:
        shli t3, t0, 2
        add  t3, s2, t3
        sw   zero, 0(t3)
        sub  t2, s2, s1
        li   t3, USER_STACK_PAGE
        add  t2, t2, t3
        la   t0, exec_sp
        sw   t2, 0(t0)
        pop  s2
        pop  s1
        pop  ra
        ret

# exec_commit: the process s0 takes exec_space's memory and lets its own
# go: page directory and break swapped, the address space switched (its
# ASID is its slot's, as schedule gives it), the old pages freed (uvm_free
# flushes the TLB), its name (COMM) set to the path, and its registers set
# for the program's entry. Linux's exec names the task after the file
# (__set_task_comm, TASK_COMM_LEN 16); here the path itself, its first 15
# bytes, so a process table shows what the command line named.
exec_commit:
        push ra
        la   t0, exec_space
        lw   t1, PROC_PGDIR(t0)
        lw   t2, PROC_BRK(t0)
        lw   t3, PROC_PGDIR(s0)
        lw   t4, PROC_BRK(s0)
        sw   t1, PROC_PGDIR(s0)
        sw   t2, PROC_BRK(s0)
        sw   t2, PROC_HEAP(s0)
        sw   t3, PROC_PGDIR(t0)
        sw   t4, PROC_BRK(t0)
        mv   a0, s0
        call proc_switch_mm
        la   a0, exec_space
        call uvm_free
        addi a0, s0, PROC_COMM      # its name: the path, cut to fit
        la   a1, exec_path
        li   a2, COMM_SIZE
        call memcpy
        addi t0, s0, PROC_COMM
        sb   zero, COMM_SIZE - 1(t0)
        la   t0, exec_header
        lw   t0, TX_ENTRY(t0)
        sw   t0, PROC_EPC(s0)
        la   t0, exec_sp
        lw   t0, 0(t0)
        sw   t0, PROC_A1(s0)        # argv (the array is where sp starts)
        addi t0, s0, PROC_A2        # a2 .. ra: zero
        addi t1, s0, PROC_XSTATUS
exec_commit_clear:
        sw   zero, 0(t0)
        addi t0, t0, 4
        bne  t0, t1, exec_commit_clear
        la   t0, exec_sp
        lw   t0, 0(t0)
        sw   t0, PROC_SP(s0)        # (cleared with the rest)
        pop  ra
        ret

# sys_bootexec(n): exec for entry n of the boot table (a module the boot
# loader handed the kernel, as Multiboot's module list does): the process
# s0 lets its memory go and runs that program from its entry point, as
# proc_create would start it, with argc = 0 and argv = 0. Returns -1, the
# process untouched, for an n the table has no entry for or when no page
# directory can be had.
sys_bootexec:
        li   t0, BOOT_TABLE_KVA
        lw   t1, BT_COUNT(t0)
        bgeu a0, t1, sys_bootexec_bad
        push ra
        push s1
        push s2
        shli s1, a0, 4              # BTE_SIZE = 16
        addi s1, s1, BT_ENTRIES
        add  s1, s1, t0             # s1 = the entry
        call uvm_create
        beqz a0, sys_bootexec_nomem
        mv   s2, a0                 # s2 = the new directory
        la   t0, kernel_pgdir       # off the old directory before it is
        lw   a0, 0(t0)              # freed, as proc_exit does
        li   a1, 0
        call plat_switch_mm
        mv   a0, s0
        call uvm_free
        sw   s2, PROC_PGDIR(s0)
        addi a0, s0, PROC_A0        # its registers: zero (proc_image)
        li   a1, PROC_XSTATUS - PROC_A0
        call bzero
        mv   a0, s1
        mv   a1, s0
        call proc_image
        mv   a0, s0
        call proc_switch_mm
        li   a0, 0                  # argc (trap_syscall_return stores it)
        j    sys_bootexec_out
sys_bootexec_nomem:
        li   a0, -1
sys_bootexec_out:
        pop  s2
        pop  s1
        pop  ra
        ret
sys_bootexec_bad:
        li   a0, -1
        ret

# proc_switch_mm: a0 = the running process. Switches to its address space:
# its page directory, its ASID (its slot + 1, as schedule gives it).
proc_switch_mm:
        push ra
        la   t0, proc_table
        sub  a1, a0, t0
        shri a1, a1, 7              # PROC_SIZE 128
        addi a1, a1, 1
        lw   a0, PROC_PGDIR(a0)
        call plat_switch_mm
        pop  ra
        ret

        .data
        .align 4
exec_space:     .space PROC_SIZE    # the address space being built
exec_header:    .space TX_HEADER
exec_argc:      .word 0
exec_sp:        .word 0
exec_offsets:   .space MAXARG * 4
exec_user_argv: .space MAXARG * 4
exec_path:      .space MAXPATH
exec_strings:   .space ARGBYTES
