# toy32's kernel: processes in their own address spaces, system calls through
# a table, round-robin preemption by the timer. It is small on purpose, and
# it is the kernel later chapters virtualize unmodified, so it does what a
# real kernel does: it reads and writes CSRs with csrr/csrw, returns from
# traps with rett, invalidates the TLB after changing page tables, and saves
# and restores the interrupt state with pushf/popf around critical sections
# (as x86 kernels do with pushfl; cli ... popfl).
#
# Physical memory, as the loader (src/guests/loader.ts) lays it out:
#
#   0x00000000 +-----------------------------+ reset: pc = 0, kernel mode
#              | kernel text, data, process  |
#              | table, kernel stack         |
#   0x00010000 +-----------------------------+ BOOT_TABLE, written by the loader
#   0x00011000 +-----------------------------+ user program images, each page
#              | program images              | aligned (copied into fresh
#              |                             | pages when processes start)
#   free start +-----------------------------+ boot table's BT_FREE
#              | free pages (kalloc): page   |
#              | directories, page tables,   |
#              | user code, stack and heap   |
#   mem top    +-----------------------------+ boot table's BT_MEM_TOP
#              |         (unused)            |
#   0xFFFF0000 +-----------------------------+ devices: CONSOLE_TX at 0xFFFF0000
#
# Virtual memory of every process (one page directory each):
#
#   0x00000000 +-----------------------------+ kernel: [0, mem top) mapped
#              | kernel and all the memory   | at the same addresses, U=0;
#              | it manages (direct map)     | shared page tables, so traps
#   mem top    +-----------------------------+ work under any process's PTBR
#   0x40000000 +-----------------------------+ USER_BASE: the program's image
#              | text and data   (U W X)     | (entry at its _start)
#   heap base  +-----------------------------+ page after the image
#              | heap (U W), grown by sbrk   |
#   brk        +-----------------------------+
#              |            ...              |
#   0x7FFFF000 +-----------------------------+ the stack page (U W)
#   0x80000000 +-----------------------------+ USER_STACK_TOP: initial sp
#   0xFFFF0000 +-----------------------------+ devices, U=0 (kernel only)
#
# Boot table (at BOOT_TABLE, one word each):
#
#   +0  BT_MAGIC    "BOOT" (0x544F4F42)     +12 BT_MEM_TOP  bytes of memory to manage
#   +4  BT_COUNT    number of programs      +16 BT_FREE     first free physical page
#   +8  BT_TIMER    cycles between timer interrupts (0 = no preemption)
#   +32 entries, BTE_SIZE bytes each: +0 physical address, +4 length in bytes
#       (a multiple of 4), +8 entry point (virtual), +12 reserved
#
# Process table entry (PROC_SIZE = 128 bytes; NPROC entries in proc_table):
#
#   +0  STATE   0 unused, 1 runnable, 2 exited,  +76  XSTATUS  exit code (-1: killed)
#               3 sleeping                       +80  HEAP     first heap address
#   +4  PID     1, 2, ... in boot-table order    +84  CYCLES   cycles it has run
#   +8  PGDIR   physical address of its page     +88  RUNS     times it was dispatched
#               directory                        +92  WAKE     CYCLE to wake at (sleeping)
#   +12 BRK     end of its heap (sbrk)
#   +16 EPC     where it resumes
#   +20 registers r1 (a0) .. r14 (ra), 4 bytes each, saved on every trap
#
# System calls: `sys` with a0 = number, a1..a3 = arguments; the result comes
# back in a0 (-1 for an error); every other register is preserved except k0
# (ISA.md: trap handlers may clobber it).
#
#   1 exit(code)          4 yield() -> 0             7 uptime() -> CYCLE
#   2 write(fd, buf, n)   5 sbrk(n) -> old break     8 sleep(cycles) -> 0
#       -> n (fd 1 or 2)  6 putc(c) -> 0               (idles the machine with
#   3 getpid() -> pid                                   wfi if no one can run)
#
# A process that traps for any other reason (a page fault, an illegal or
# privileged instruction, a misaligned access, a division by zero, brk) is
# killed with a line on the console:
#
#   [kernel] pid 3 killed: PAGE_FAULT_STORE at 0x00000000
#
# When no process is left the kernel halts; the exit code (a0) is the number
# of processes it killed, so 0 means every process exited by itself.

        .equ CONSOLE_TX,      0xFFFF0000
        .equ MMIO_BASE,       0xFFFF0000
        .equ MMIO_PAGES,      16
        .equ PAGE_SIZE,       4096

        .equ STATUS_IE,       1
        .equ STATUS_KM,       2
        .equ STATUS_PIE,      4
        .equ STATUS_PKM,      8
        .equ STATUS_PG,       16

        .equ PTE_V,           1
        .equ PTE_W,           2
        .equ PTE_U,           4
        .equ PTE_X,           8

        .equ CAUSE_SYSCALL,   1
        .equ CAUSE_TIMER,     16
        .equ NCAUSES,         20

        .equ BOOT_TABLE,      0x00010000
        .equ BOOT_MAGIC,      0x544F4F42
        .equ BT_MAGIC,        0
        .equ BT_COUNT,        4
        .equ BT_TIMER,        8
        .equ BT_MEM_TOP,      12
        .equ BT_FREE,         16
        .equ BT_ENTRIES,      32
        .equ BTE_PHYS,        0
        .equ BTE_LENGTH,      4
        .equ BTE_ENTRY,       8
        .equ BTE_SIZE,        16

        .equ USER_BASE,       0x40000000
        .equ USER_STACK_PAGE, 0x7FFFF000
        .equ USER_STACK_TOP,  0x80000000
        .equ HEAP_LIMIT,      0x7F000000

        .equ NPROC,           8
        .equ PROC_SIZE,       128
        .equ P_UNUSED,        0
        .equ P_RUNNABLE,      1
        .equ P_EXITED,        2
        .equ P_SLEEPING,      3
        .equ PROC_STATE,      0
        .equ PROC_PID,        4
        .equ PROC_PGDIR,      8
        .equ PROC_BRK,        12
        .equ PROC_EPC,        16
        .equ PROC_A0,         20
        .equ PROC_A1,         24
        .equ PROC_A2,         28
        .equ PROC_A3,         32
        .equ PROC_T0,         36
        .equ PROC_T1,         40
        .equ PROC_T2,         44
        .equ PROC_T3,         48
        .equ PROC_T4,         52
        .equ PROC_S0,         56
        .equ PROC_S1,         60
        .equ PROC_S2,         64
        .equ PROC_SP,         68
        .equ PROC_RA,         72
        .equ PROC_XSTATUS,    76
        .equ PROC_HEAP,       80
        .equ PROC_CYCLES,     84
        .equ PROC_RUNS,       88
        .equ PROC_WAKE,       92

        .equ NSYSCALLS,       9

        .text
# Reset vector: the machine starts here, in kernel mode, paging off.
_start:
        j    boot

# ---------------------------------------------------------------------------
# Boot
# ---------------------------------------------------------------------------

# boot: sets up the trap vector, reads the boot table, builds the kernel's
# page directory, turns paging on, creates a process per program, starts the
# timer and runs the first process. Never returns.
boot:
        la   sp, kstack_top
        la   t0, trap_vector
        csrw TVEC, t0
        li   s0, BOOT_TABLE
        lw   t0, BT_MAGIC(s0)
        li   t1, BOOT_MAGIC
        bne  t0, t1, no_boot_table
        lw   t0, BT_MEM_TOP(s0)
        la   t1, mem_top
        sw   t0, 0(t1)
        lw   t0, BT_FREE(s0)
        la   t1, free_next
        sw   t0, 0(t1)
        call kvm_init
        la   t0, kernel_pgdir
        lw   t0, 0(t0)
        csrw PTBR, t0
        tlbflush
        li   t0, STATUS_KM | STATUS_PG
        csrw STATUS, t0             # paging on: the kernel runs on, identity mapped
        call proc_init
        lw   t0, BT_TIMER(s0)
        csrw TIMER, t0
        j    schedule

no_boot_table:
        la   a0, msg_no_boot
        call kputs
        li   a0, 255
        halt

# ---------------------------------------------------------------------------
# Physical pages (xv6 kalloc.c): a free list, then never-used memory
# ---------------------------------------------------------------------------

# kalloc: returns a0 = the physical address of a fresh, zeroed 4 KiB page,
# or 0 when memory is exhausted. Pages given back by kfree come first, then
# untouched memory from free_next up to mem_top.
kalloc:
        pushf t4                    # save the interrupt state and mask
        popf zero                   # interrupts: the free list is shared
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
kalloc_zero_loop:
        sw   zero, 0(t0)
        addi t0, t0, 4
        bne  t0, t1, kalloc_zero_loop
        popf t4                     # restore the interrupt state
        ret
kalloc_none:
        li   a0, 0
        popf t4
        ret

# kfree: a0 = a page kalloc gave out; puts it on the free list.
kfree:
        pushf t4
        popf zero
        la   t0, free_list
        lw   t1, 0(t0)
        sw   t1, 0(a0)
        sw   a0, 0(t0)
        popf t4
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

# ---------------------------------------------------------------------------
# Page tables (xv6 vm.c)
#
#   virtual address  | dir index 31..22 | table index 21..12 | offset 11..0 |
#   directory entry  | page table's frame number 31..12 |           ... V |
#   page-table entry | frame number 31..12    | D A . X U W V             |
# ---------------------------------------------------------------------------

# walk: finds the page-table entry of a virtual address, like xv6's walk().
#   a0 = page directory, a1 = virtual address, a2 = 1 to create a missing
#   page table. Returns a0 = the PTE's physical address, or 0 (no table and
#   a2 = 0, or no memory for one). Preserves a1.
walk:
        push ra
        push s1
        push s2
        mv   s2, a1
        shri t0, a1, 22
        shli t0, t0, 2
        add  s1, a0, t0             # s1 = &directory[va >> 22]
        lw   t0, 0(s1)
        andi t1, t0, PTE_V
        bnez t1, walk_table
        beqz a2, walk_none
        call kalloc                 # a new page table, all entries invalid
        beqz a0, walk_none
        ori  t0, a0, PTE_V
        sw   t0, 0(s1)
walk_table:
        shri t0, t0, 12
        shli t0, t0, 12             # the page table's physical address
        shri t1, s2, 12
        andi t1, t1, 0x3FF
        shli t1, t1, 2
        add  a0, t0, t1             # &table[(va >> 12) & 1023]
        j    walk_out
walk_none:
        li   a0, 0
walk_out:
        mv   a1, s2
        pop  s2
        pop  s1
        pop  ra
        ret

# map_page: a0 = page directory, a1 = virtual page, a2 = physical page,
# a3 = PTE flags. Returns a0 = 0, or -1 when no page table could be had.
# The caller invalidates the TLB entry if the page may have been cached.
map_page:
        push ra
        push s1
        push s2
        mv   s1, a2
        mv   s2, a3
        li   a2, 1
        call walk
        beqz a0, map_page_fail
        or   t0, s1, s2
        sw   t0, 0(a0)
        li   a0, 0
        j    map_page_out
map_page_fail:
        li   a0, -1
map_page_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# kvm_init: builds the kernel's page directory: physical memory [0, mem_top)
# at the same virtual addresses and the device pages, all with U=0.
kvm_init:
        push ra
        push s0
        push s1
        call kalloc
        beqz a0, out_of_memory
        la   t0, kernel_pgdir
        sw   a0, 0(t0)
        mv   s0, a0                 # s0 = the directory
        li   s1, 0                  # s1 = the next page to map
kvm_memory:
        la   t0, mem_top
        lw   t0, 0(t0)
        bgeu s1, t0, kvm_devices_start
        mv   a0, s0
        mv   a1, s1
        mv   a2, s1
        li   a3, PTE_V | PTE_W | PTE_X
        call map_page
        bnez a0, out_of_memory
        addi s1, s1, PAGE_SIZE
        j    kvm_memory
kvm_devices_start:
        li   s1, MMIO_BASE
kvm_devices:
        beqz s1, kvm_done           # wrapped past 0xFFFFF000: all mapped
        mv   a0, s0
        mv   a1, s1
        mv   a2, s1
        li   a3, PTE_V | PTE_W
        call map_page
        bnez a0, out_of_memory
        addi s1, s1, PAGE_SIZE
        j    kvm_devices
kvm_done:
        pop  s1
        pop  s0
        pop  ra
        ret

# uvm_create: returns a0 = a new page directory holding the kernel's
# mappings (the same page tables, so later kernel mappings show in every
# process), or 0 when out of memory.
uvm_create:
        push ra
        call kalloc
        beqz a0, uvm_create_out
        push a0
        la   a1, kernel_pgdir
        lw   a1, 0(a1)
        li   a2, PAGE_SIZE
        call memcpy
        pop  a0
uvm_create_out:
        pop  ra
        ret

# uvm_free: a0 = a process. Frees its user pages (image and heap, which
# fill [USER_BASE, brk) rounded up to a page, and the stack page), then its
# user page tables and its page directory (xv6 freevm). The kernel's page
# tables are shared and stay. Flushes the TLB: the frames will be reused.
uvm_free:
        push ra
        push s0
        push s1
        push s2
        mv   s0, a0                 # s0 = process
        lw   s2, PROC_BRK(s0)
        addi s2, s2, PAGE_SIZE - 1
        shri s2, s2, 12
        shli s2, s2, 12             # s2 = end of the image and heap
        li   s1, USER_BASE          # s1 = page to free
uvm_free_pages:
        bgeu s1, s2, uvm_free_stack
        mv   a0, s1
        call free_user_page
        addi s1, s1, PAGE_SIZE
        j    uvm_free_pages
uvm_free_stack:
        li   a0, USER_STACK_PAGE
        call free_user_page
        lw   s1, PROC_PGDIR(s0)
        li   t0, USER_BASE >> 20    # directory index of USER_BASE, times 4
        add  s1, s1, t0             # s1 = &directory[USER_BASE >> 22]
        lw   s2, PROC_PGDIR(s0)
        li   t0, USER_STACK_TOP >> 20
        add  s2, s2, t0             # s2 = end of the user directory entries
uvm_free_tables:
        bgeu s1, s2, uvm_free_done
        lw   a0, 0(s1)
        andi t0, a0, PTE_V
        beqz t0, uvm_free_next
        shri a0, a0, 12
        shli a0, a0, 12
        call kfree                  # a user page table
uvm_free_next:
        addi s1, s1, 4
        j    uvm_free_tables
uvm_free_done:
        lw   a0, PROC_PGDIR(s0)
        call kfree
        tlbflush
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# free_user_page: a0 = a virtual page of the process s0 of uvm_free; frees
# the physical page mapped there, if any.
free_user_page:
        push ra
        mv   a1, a0
        lw   a0, PROC_PGDIR(s0)
        li   a2, 0
        call walk
        beqz a0, free_user_page_out
        lw   a0, 0(a0)
        andi t0, a0, PTE_V
        beqz t0, free_user_page_out
        shri a0, a0, 12
        shli a0, a0, 12
        call kfree
free_user_page_out:
        pop  ra
        ret

# ---------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------

# proc_init: creates one process for each boot-table entry, in order, so the
# first program is pid 1.
proc_init:
        push ra
        push s0
        push s1
        li   t0, BOOT_TABLE
        lw   s1, BT_COUNT(t0)       # s1 = programs left
        li   s0, BOOT_TABLE + BT_ENTRIES
proc_init_loop:
        beqz s1, proc_init_done
        mv   a0, s0
        call proc_create
        addi s0, s0, BTE_SIZE
        addi s1, s1, -1
        j    proc_init_loop
proc_init_done:
        pop  s1
        pop  s0
        pop  ra
        ret

# proc_alloc: returns a0 = an unused process-table entry, or 0.
proc_alloc:
        la   a0, proc_table
        addi t1, a0, NPROC * PROC_SIZE
proc_alloc_loop:
        lw   t0, PROC_STATE(a0)
        beqz t0, proc_alloc_out
        addi a0, a0, PROC_SIZE
        bne  a0, t1, proc_alloc_loop
        li   a0, 0
proc_alloc_out:
        ret

# proc_create: a0 = a boot-table entry. Makes a process of it (what exec does):
# a page directory, the image copied into fresh pages at USER_BASE, an empty
# heap after it, one stack page below USER_STACK_TOP; it starts at the
# entry point with every register zero but sp.
proc_create:
        push ra
        push s0
        push s1
        push s2
        mv   s1, a0                 # s1 = boot-table entry
        call proc_alloc
        beqz a0, too_many_programs
        mv   s0, a0                 # s0 = process
        call uvm_create
        beqz a0, out_of_memory
        sw   a0, PROC_PGDIR(s0)
        li   s2, 0                  # s2 = offset into the image
proc_create_copy:
        lw   t0, BTE_LENGTH(s1)
        bgeu s2, t0, proc_create_stack
        call kalloc
        beqz a0, out_of_memory
        push a0                     # the new page
        lw   a1, BTE_PHYS(s1)
        add  a1, a1, s2             # copy from the image ...
        lw   a2, BTE_LENGTH(s1)
        sub  a2, a2, s2             # ... what is left of it,
        li   t0, PAGE_SIZE
        bltu a2, t0, proc_create_part
        mv   a2, t0                 # at most a page
proc_create_part:
        call memcpy
        pop  a2
        lw   a0, PROC_PGDIR(s0)
        li   a1, USER_BASE
        add  a1, a1, s2
        li   a3, PTE_V | PTE_W | PTE_X | PTE_U
        call map_page
        bnez a0, out_of_memory
        addi s2, s2, PAGE_SIZE
        j    proc_create_copy
proc_create_stack:
        li   t0, USER_BASE
        add  t0, t0, s2             # the page after the image
        sw   t0, PROC_BRK(s0)
        sw   t0, PROC_HEAP(s0)
        call kalloc
        beqz a0, out_of_memory
        mv   a2, a0
        lw   a0, PROC_PGDIR(s0)
        li   a1, USER_STACK_PAGE
        li   a3, PTE_V | PTE_W | PTE_U
        call map_page
        bnez a0, out_of_memory
        li   t0, USER_STACK_TOP
        sw   t0, PROC_SP(s0)
        lw   t0, BTE_ENTRY(s1)
        sw   t0, PROC_EPC(s0)
        la   t0, next_pid
        lw   t1, 0(t0)
        sw   t1, PROC_PID(s0)
        addi t1, t1, 1
        sw   t1, 0(t0)
        li   t0, P_RUNNABLE
        sw   t0, PROC_STATE(s0)
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# proc_exit: a0 = process, a1 = exit status. Marks it exited, moves onto
# the kernel's own page directory (ASID 0), as xv6's switchkvm() does, since
# the process's directory is about to be freed (and kfree writes into it),
# and frees the process's memory.
proc_exit:
        push ra
        sw   a1, PROC_XSTATUS(a0)
        li   t0, P_EXITED
        sw   t0, PROC_STATE(a0)
        la   t0, kernel_pgdir
        lw   t0, 0(t0)
        csrw PTBR, t0
        csrw ASID, zero
        call uvm_free
        pop  ra
        ret

# schedule: charges the cycles since the last switch to the current
# process, wakes the sleepers whose time has come, picks the next runnable
# process after the current one in the table (round robin; the current one
# again if it is the only one), switches address space (PTBR and ASID: the
# TLB is tagged, so no flush) and resumes it. With nothing runnable it idles
# until the next interrupt if a process sleeps, else halts. Never returns.
schedule:
        pushf s2                    # interrupts off while the table is scanned
        popf zero
        la   t0, current
        lw   s0, 0(t0)              # s0 = the process that ran last (or 0)
        csrr t1, CYCLE              # t1 = now
        la   t2, last_switch
        lw   a1, 0(t2)              # a1 = the last switch
        sw   t1, 0(t2)
        la   t2, proc_table
        addi s1, t2, NPROC * PROC_SIZE - PROC_SIZE   # no process yet: start after the last slot
        beqz s0, schedule_rescan
        sub  t1, t1, a1
        lw   t4, PROC_CYCLES(s0)
        add  t4, t4, t1             # its cycles, measured switch to switch
        sw   t4, PROC_CYCLES(s0)
        mv   s1, s0                 # s1 = where the round-robin scan starts
schedule_rescan:
        csrr t1, CYCLE              # t1 = now
        la   t2, proc_table         # t2 = the table
        addi t3, t2, NPROC * PROC_SIZE   # t3 = its end
        li   a1, 0                  # a1 = sleepers still asleep
        mv   t0, t2
schedule_wake:
        lw   t4, PROC_STATE(t0)
        li   a0, P_SLEEPING
        bne  t4, a0, schedule_wake_next
        lw   t4, PROC_WAKE(t0)
        sub  t4, t1, t4             # now - wake time, wrap-around safe
        blt  t4, zero, schedule_asleep
        li   a0, P_RUNNABLE
        sw   a0, PROC_STATE(t0)
        j    schedule_wake_next
schedule_asleep:
        addi a1, a1, 1
schedule_wake_next:
        addi t0, t0, PROC_SIZE
        bne  t0, t3, schedule_wake
        mv   t0, s1
        li   t4, NPROC              # candidates left
schedule_next:
        beqz t4, schedule_idle
        addi t4, t4, -1
        addi t0, t0, PROC_SIZE
        bltu t0, t3, schedule_check
        mv   t0, t2                 # wrap around
schedule_check:
        lw   t1, PROC_STATE(t0)
        li   a0, P_RUNNABLE
        bne  t1, a0, schedule_next
        la   t1, current
        sw   t0, 0(t1)
        lw   t1, PROC_RUNS(t0)
        addi t1, t1, 1
        sw   t1, PROC_RUNS(t0)
        beq  t0, s0, schedule_same
        lw   t1, PROC_PGDIR(t0)
        csrw PTBR, t1
        lw   t1, PROC_PID(t0)
        csrw ASID, t1
schedule_same:
        popf s2                     # restore the interrupt state
        mv   a0, t0
        j    resume
schedule_idle:
        bnez a1, schedule_wait
        la   t0, killed
        lw   a0, 0(t0)              # exit code: how many were killed
        halt
# Nothing to run until a sleeper's time comes: the x86 idle loop, sti; hlt.
# The timer interrupt is taken in kernel mode (trap_vector returns from it
# at once) and the scan runs again. An interrupt that lands between the
# popf and the wfi only makes the wfi wait for the next one.
schedule_wait:
        li   t0, STATUS_IE
        popf t0                     # interrupts on (sti) ...
        wfi                         # ... and wait for one (hlt)
        popf zero                   # interrupts off again (cli)
        csrr t0, CYCLE
        la   t1, last_switch
        sw   t0, 0(t1)              # idle time is nobody's
        j    schedule_rescan

# resume: a0 = process. Restores its registers and returns to user mode at
# its EPC with interrupts on (rett: KM = PKM = 0, IE = PIE = 1). k0 is the
# one register a user program may not keep across a trap.
resume:
        lw   t0, PROC_EPC(a0)
        csrw EPC, t0
        li   t0, STATUS_PG | STATUS_KM | STATUS_PIE
        csrw STATUS, t0
        mv   k0, a0
        lw   a0, PROC_A0(k0)
        lw   a1, PROC_A1(k0)
        lw   a2, PROC_A2(k0)
        lw   a3, PROC_A3(k0)
        lw   t0, PROC_T0(k0)
        lw   t1, PROC_T1(k0)
        lw   t2, PROC_T2(k0)
        lw   t3, PROC_T3(k0)
        lw   t4, PROC_T4(k0)
        lw   s0, PROC_S0(k0)
        lw   s1, PROC_S1(k0)
        lw   s2, PROC_S2(k0)
        lw   sp, PROC_SP(k0)
        lw   ra, PROC_RA(k0)
        rett

# ---------------------------------------------------------------------------
# Traps (ISA.md, "Traps and interrupts": EPC, CAUSE and BADVA set, PIE = IE,
# PKM = KM, IE = 0, KM = 1, pc = TVEC)
# ---------------------------------------------------------------------------

# trap_vector: every trap and interrupt lands here. From user mode it saves
# the process's registers in its table entry (k0 is the only free register
# until then), switches to the kernel stack and dispatches on CAUSE, with
# s0 = the current process. A trap from kernel mode is a kernel bug: panic.
        .align 4
trap_vector:
        csrr k0, STATUS
        andi k0, k0, STATUS_PKM
        bnez k0, trap_from_kernel
        la   k0, current
        lw   k0, 0(k0)
        sw   a0, PROC_A0(k0)
        sw   a1, PROC_A1(k0)
        sw   a2, PROC_A2(k0)
        sw   a3, PROC_A3(k0)
        sw   t0, PROC_T0(k0)
        sw   t1, PROC_T1(k0)
        sw   t2, PROC_T2(k0)
        sw   t3, PROC_T3(k0)
        sw   t4, PROC_T4(k0)
        sw   s0, PROC_S0(k0)
        sw   s1, PROC_S1(k0)
        sw   s2, PROC_S2(k0)
        sw   sp, PROC_SP(k0)
        sw   ra, PROC_RA(k0)
        csrr t0, EPC
        sw   t0, PROC_EPC(k0)
        mv   s0, k0
        la   sp, kstack_top
        csrr t0, CAUSE
        li   t1, CAUSE_SYSCALL
        beq  t0, t1, trap_syscall
        li   t1, CAUSE_TIMER
        beq  t0, t1, trap_timer
        bltu t0, t1, trap_kill      # an exception: the process's fault
        mv   a0, s0                 # another interrupt: nothing to do here
        j    resume

# trap_timer: the process's time slice is over: run the next one.
trap_timer:
        j    schedule

# trap_syscall: dispatches through syscalls[a0] (xv6 syscall()): the handler
# gets a1..a3 as a0..a2 and s0 = the process; its a0 is the result.
trap_syscall:
        pushf s1                    # save the interrupt state and mask
        popf zero
        lw   t0, PROC_EPC(s0)
        addi t0, t0, 4              # return after the `sys`
        sw   t0, PROC_EPC(s0)
        li   t0, NSYSCALLS
        bgeu a0, t0, trap_syscall_bad
        shli t0, a0, 2
        la   t1, syscalls
        add  t1, t1, t0
        lw   t1, 0(t1)
        mv   a0, a1
        mv   a1, a2
        mv   a2, a3
        jalr ra, t1, 0
trap_syscall_return:
        sw   a0, PROC_A0(s0)
        popf s1                     # restore the interrupt state
        mv   a0, s0
        j    resume
trap_syscall_bad:
        li   a0, -1
        j    trap_syscall_return

# trap_kill: the process faulted: report it, kill it, run another.
trap_kill:
        csrr s1, CAUSE
        csrr s2, BADVA
        la   a0, msg_pid
        call kputs
        lw   a0, PROC_PID(s0)
        call kputdec
        la   a0, msg_killed
        call kputs
        mv   a0, s1
        call kputcause
        la   a0, msg_at
        call kputs
        mv   a0, s2
        call kputhex
        li   a0, 10
        call kputc
        la   t0, killed
        lw   t1, 0(t0)
        addi t1, t1, 1
        sw   t1, 0(t0)
        mv   a0, s0
        li   a1, -1
        call proc_exit
        j    schedule

# trap_from_kernel: the kernel takes interrupts only in its idle loop
# (schedule_wait), where an interrupt's only job is to end the wfi: return
# at once. Any other trap in kernel mode is a kernel bug.
trap_from_kernel:
        csrr k0, CAUSE
        shri k0, k0, 4              # interrupts are CAUSE 16..19
        beqz k0, kernel_trap
        rett

# kernel_trap: a trap taken in kernel mode means the kernel is broken:
# report the cause, address and pc, and halt with 255.
kernel_trap:
        la   sp, kstack_top
        la   a0, msg_panic
        call kputs
        csrr a0, CAUSE
        call kputcause
        la   a0, msg_at
        call kputs
        csrr a0, BADVA
        call kputhex
        la   a0, msg_pc
        call kputs
        csrr a0, EPC
        call kputhex
        li   a0, 10
        call kputc
        li   a0, 255
        halt

out_of_memory:
        la   a0, msg_oom
        j    panic
too_many_programs:
        la   a0, msg_nproc
# panic: a0 = message; prints it and halts with 255.
panic:
        call kputs
        li   a0, 255
        halt

# ---------------------------------------------------------------------------
# System calls: handlers get a0..a2 = the user's a1..a3 and s0 = the
# process; they return the result in a0 and keep s0.
# ---------------------------------------------------------------------------

syscalls:
        .word sys_none              # 0: not a system call
        .word sys_exit              # 1
        .word sys_write             # 2
        .word sys_getpid            # 3
        .word sys_yield             # 4
        .word sys_sbrk              # 5
        .word sys_putc              # 6
        .word sys_uptime            # 7
        .word sys_sleep             # 8

# sys_none: an unknown system call number returns -1.
sys_none:
        li   a0, -1
        ret

# sys_exit(code): ends the process; its memory goes back to the free list.
sys_exit:
        mv   a1, a0
        mv   a0, s0
        call proc_exit
        j    schedule

# sys_write(fd, buf, n): writes n bytes at buf to the console (fd 1 or 2).
# Returns n, or -1 for another fd or a buffer the process may not read.
sys_write:
        push ra
        push s1
        push s2
        li   t0, 1
        beq  a0, t0, sys_write_fd
        li   t0, 2
        bne  a0, t0, sys_write_bad
sys_write_fd:
        blt  a2, zero, sys_write_bad
        mv   s1, a1                 # s1 = buffer
        mv   s2, a2                 # s2 = length
        mv   a0, a1
        mv   a1, a2
        call user_range_ok
        beqz a0, sys_write_bad
        li   t0, CONSOLE_TX
        mv   t1, s1
        add  t2, s1, s2
sys_write_loop:
        bgeu t1, t2, sys_write_done
        lbu  t3, 0(t1)
        sb   t3, 0(t0)
        addi t1, t1, 1
        j    sys_write_loop
sys_write_done:
        mv   a0, s2
        j    sys_write_out
sys_write_bad:
        li   a0, -1
sys_write_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# sys_getpid(): the process's id.
sys_getpid:
        lw   a0, PROC_PID(s0)
        ret

# sys_yield(): gives up the rest of the time slice; returns 0.
sys_yield:
        sw   zero, PROC_A0(s0)
        j    schedule

# sys_sbrk(n): grows the heap by n >= 0 bytes, mapping fresh zeroed pages;
# returns the old break, or -1 (n < 0, past HEAP_LIMIT, out of memory).
sys_sbrk:
        push ra
        push s1
        push s2
        blt  a0, zero, sys_sbrk_bad
        lw   s1, PROC_BRK(s0)       # the old break
        add  s2, s1, a0             # s2 = the new break
        bltu s2, s1, sys_sbrk_bad
        li   t0, HEAP_LIMIT
        bltu t0, s2, sys_sbrk_bad
        push s1
        addi s1, s1, PAGE_SIZE - 1
        shri s1, s1, 12
        shli s1, s1, 12             # s1 = first page not mapped yet
sys_sbrk_map:
        bgeu s1, s2, sys_sbrk_done
        call kalloc
        beqz a0, sys_sbrk_oom
        mv   a2, a0
        lw   a0, PROC_PGDIR(s0)
        mv   a1, s1
        li   a3, PTE_V | PTE_W | PTE_U
        call map_page
        bnez a0, sys_sbrk_oom
        tlbinv s1                   # a PTE changed: drop any cached translation
        addi s1, s1, PAGE_SIZE
        j    sys_sbrk_map
sys_sbrk_done:
        sw   s2, PROC_BRK(s0)
        pop  a0                     # the old break
        j    sys_sbrk_out
sys_sbrk_oom:
        pop  a0
sys_sbrk_bad:
        li   a0, -1
sys_sbrk_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# sys_putc(c): writes one character to the console; returns 0.
sys_putc:
        li   t0, CONSOLE_TX
        sb   a0, 0(t0)
        li   a0, 0
        ret

# sys_uptime(): the cycle counter (CYCLE), the machine's clock.
sys_uptime:
        csrr a0, CYCLE
        ret

# sys_sleep(n): sleeps at least n >= 0 cycles (until the first timer tick
# after they have passed); returns 0. Returns -1 for n < 0 or when the
# timer is off, since nothing would wake the process.
sys_sleep:
        csrr t0, TIMER
        beqz t0, sys_sleep_bad
        blt  a0, zero, sys_sleep_bad
        csrr t0, CYCLE
        add  t0, t0, a0
        sw   t0, PROC_WAKE(s0)
        li   t0, P_SLEEPING
        sw   t0, PROC_STATE(s0)
        sw   zero, PROC_A0(s0)
        j    schedule
sys_sleep_bad:
        li   a0, -1
        ret

# user_range_ok: a0 = virtual address, a1 = length. Returns a0 = 1 if every
# byte lies in user space on a page the current process (s0) may read.
user_range_ok:
        push ra
        push s1
        push s2
        li   t0, USER_BASE
        bltu a0, t0, user_range_bad
        add  s2, a0, a1             # s2 = end
        bltu s2, a0, user_range_bad
        li   t0, USER_STACK_TOP
        bltu t0, s2, user_range_bad
        shri s1, a0, 12
        shli s1, s1, 12             # s1 = first page
user_range_loop:
        bgeu s1, s2, user_range_good
        lw   a0, PROC_PGDIR(s0)
        mv   a1, s1
        li   a2, 0
        call walk
        beqz a0, user_range_bad
        lw   t0, 0(a0)
        andi t0, t0, PTE_V | PTE_U
        li   t1, PTE_V | PTE_U
        bne  t0, t1, user_range_bad
        addi s1, s1, PAGE_SIZE
        j    user_range_loop
user_range_good:
        li   a0, 1
        j    user_range_out
user_range_bad:
        li   a0, 0
user_range_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# ---------------------------------------------------------------------------
# Console output (the kernel's printf, piece by piece)
# ---------------------------------------------------------------------------

# kputc: a0 = a character.
kputc:
        li   t0, CONSOLE_TX
        sb   a0, 0(t0)
        ret

# kputs: a0 = a NUL-terminated string.
kputs:
        li   t0, CONSOLE_TX
kputs_loop:
        lbu  t1, 0(a0)
        beqz t1, kputs_done
        sb   t1, 0(t0)
        addi a0, a0, 1
        j    kputs_loop
kputs_done:
        ret

# kputdec: a0 = a number >= 0, in decimal.
kputdec:
        push ra
        addi sp, sp, -16
        addi t2, sp, 15
        sb   zero, 0(t2)            # the digits go right to left
        li   t1, 10
kputdec_loop:
        rem  t0, a0, t1
        addi t0, t0, '0'
        addi t2, t2, -1
        sb   t0, 0(t2)
        div  a0, a0, t1
        bnez a0, kputdec_loop
        mv   a0, t2
        call kputs
        addi sp, sp, 16
        pop  ra
        ret

# kputhex: a0 = a word, as 8 hex digits.
kputhex:
        li   t0, 28
        la   t2, hex_digits
        li   t3, CONSOLE_TX
kputhex_loop:
        shr  t1, a0, t0
        andi t1, t1, 15
        add  t1, t1, t2
        lbu  t1, 0(t1)
        sb   t1, 0(t3)
        addi t0, t0, -4
        bge  t0, zero, kputhex_loop
        ret

# kputcause: a0 = a CAUSE value, by its name in isa.ts (CAUSE_n if unnamed).
kputcause:
        push ra
        li   t0, NCAUSES
        bgeu a0, t0, kputcause_number
        la   t1, cause_names
        shli t0, a0, 2
        add  t1, t1, t0
        lw   t1, 0(t1)
        beqz t1, kputcause_number
        mv   a0, t1
        call kputs
        pop  ra
        ret
kputcause_number:
        push a0
        la   a0, msg_cause
        call kputs
        pop  a0
        call kputdec
        pop  ra
        ret

# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
        .data
        .align 4
current:        .word 0             # the running process's table entry (0: none yet)
killed:         .word 0             # processes killed for a fault
next_pid:       .word 1
kernel_pgdir:   .word 0             # physical address of the kernel's directory
mem_top:        .word 0             # from the boot table
free_next:      .word 0             # first never-allocated page
free_list:      .word 0             # pages freed by kfree, linked through their first word
last_switch:    .word 0             # CYCLE at the last schedule()

cause_names:
        .word 0, name_syscall, name_breakpoint, name_illegal, name_privileged
        .word name_pf_load, name_pf_store, name_pf_fetch, name_misaligned, name_divide
        .word name_tlb_miss, name_hypercall, 0, 0, 0, 0
        .word name_timer, name_disk, name_net, name_console

proc_table:
        .space NPROC * PROC_SIZE

        .align 16
kstack:
        .space PAGE_SIZE
kstack_top:

hex_digits:     .ascii "0123456789abcdef"
msg_no_boot:    .asciz "[kernel] no boot table at 0x00010000\n"
msg_oom:        .asciz "[kernel] panic: out of memory\n"
msg_nproc:      .asciz "[kernel] panic: too many programs\n"
msg_panic:      .asciz "[kernel] panic: "
msg_pc:         .asciz " pc 0x"
msg_pid:        .asciz "[kernel] pid "
msg_killed:     .asciz " killed: "
msg_at:         .asciz " at 0x"
msg_cause:      .asciz "CAUSE_"
name_syscall:   .asciz "SYSCALL"
name_breakpoint: .asciz "BREAKPOINT"
name_illegal:   .asciz "ILLEGAL_INSTRUCTION"
name_privileged: .asciz "PRIVILEGED_INSTRUCTION"
name_pf_load:   .asciz "PAGE_FAULT_LOAD"
name_pf_store:  .asciz "PAGE_FAULT_STORE"
name_pf_fetch:  .asciz "PAGE_FAULT_FETCH"
name_misaligned: .asciz "MISALIGNED"
name_divide:    .asciz "DIVIDE_BY_ZERO"
name_tlb_miss:  .asciz "TLB_MISS"
name_hypercall: .asciz "HYPERCALL"
name_timer:     .asciz "TIMER"
name_disk:      .asciz "DISK"
name_net:       .asciz "NET"
name_console:   .asciz "CONSOLE"
