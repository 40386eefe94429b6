# toy32's kernel: processes in their own address spaces, system calls through
# a table, round-robin preemption by the timer. It is small on purpose, and
# it is the kernel later chapters virtualize unmodified, so it does what a
# real kernel does: it reads and writes CSRs with csrr/csrw, returns from
# traps with rett, invalidates the TLB after changing page tables, and saves
# and restores the interrupt state with pushf/popf around critical sections
# (as x86 kernels do with pushfl; cli ... popfl).
#
# One kernel, several platforms (Linux's paravirt_ops, "pv_ops"): every
# privileged operation (trap vector, trap return, page tables and TLB,
# interrupt mask, timer, idle, clock, console, halt) is a plat_* routine of
# the platform file the loader assembles with the rest. platform-native.s
# fills them with toy32's instructions (bare metal, trap-and-emulate,
# binary translation, hardware assist); platform-pv.s with hypercalls, for
# the paravirtual hypervisor; platform-swtlb.s with toy32's instructions
# and a TLB refill handler, for a machine built `software-tlb`. The native
# file's header lists the interface; nothing else in the kernel executes a
# privileged instruction.
#
# The kernel is this file and, assembled after it as one program (the
# loader's kernelFiles(platform), like #include), one file per concern:
#
#   kernel.s               layouts, constants, boot, panic
#   kernel/platform-*.s    the privileged operations (native, paravirtual,
#                          software-tlb)
#   kernel/trap.s          the trap entry: system calls, timer, faults
#   kernel/syscall.s       the system call table and handlers
#   kernel/proc.s          processes, the scheduler, the return to user mode
#   kernel/vm.s            page tables: walk, map, per-process address spaces
#   kernel/pager.s         demand paging: page faults, page-ins, statistics
#   kernel/pager-clock.s   page replacement: the clock chooses a victim
#   kernel/pager-out.s     page-out: a victim written to swap
#   kernel/swap.s          the swap area on the disk (none without one)
#   kernel/kalloc.s        physical pages
#   kernel/console.s       console output
#   kernel/sleep.s         sleeping in the kernel, wakeup; the kernel page
#   kernel/disk.s          the disk driver (interrupt-driven)
#   kernel/bio.s           the buffer cache
#   kernel/fs.s            the file system: inodes, directories, paths
#   kernel/file.s          open files, descriptors, their system calls
#   kernel/exec.s          exec: a program from the file system
#   kernel/ns-*.s          namespaces: pid, uts, user (assembled last, in
#                          .data, so that nothing above them moves)
#
# Physical memory, as the loader (src/guests/loader.ts) lays it out:
#
#   0x00000000 +-----------------------------+ reset: pc = 0, kernel mode
#              | kernel text, data, process  |
#              | table, kernel stack         |
#   0x00010000 +-----------------------------+ BOOT_TABLE, written by the loader
#   0x00011000 +-----------------------------+ user program images, each page
#              | program images              | aligned (copied into fresh
#              |                             | pages as they are touched)
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
#              | it manages (direct map; on  | shared page tables, so traps
#              | software-tlb: none, kseg0)  | work under any process's PTBR
#   mem top    +-----------------------------+
#   0x40000000 +-----------------------------+ USER_BASE: the program's image
#              | text and data   (U W X)     | (entry at its _start)
#   heap base  +-----------------------------+ page after the image
#              | heap (U W), grown by sbrk   |
#   brk        +-----------------------------+
#              |            ...              |
#   0x7FFFF000 +-----------------------------+ the stack page (U W)
#   0x80000000 +-----------------------------+ USER_STACK_TOP: initial sp
#   0xFFFF0000 +-----------------------------+ devices, U=0 (kernel only; not
#                                                mapped on the paravirtual
#                                                platform: PLATFORM_MMIO = 0)
#
# fork shares the image, heap and stack pages copy-on-write: both PTEs lose
# W and gain the software bit PTE_COW, the frame's reference count (kalloc.s)
# goes up, and the first store to it (PAGE_FAULT_STORE) gets its own copy
# (vm.s cow_fault), or the page back writable if no one else holds it.
#
# No user page is mapped before it is touched (pager.s): the image page
# from the boot image, heap and stack pages zeroed. When memory runs out the
# clock writes a page to the disk's swap area (swap.s) and frees its frame;
# the next touch reads it back. A page in swap at fork is shared by its
# swap slot. A process that needs a page when there is neither memory nor
# swap is killed (trap.s: "no memory for the page").
#
# Boot table (at BOOT_TABLE, one word each):
#
#   +0  BT_MAGIC    "BOOT" (0x544F4F42)     +12 BT_MEM_TOP  bytes of memory to manage
#   +4  BT_COUNT    number of programs      +16 BT_FREE     first free physical page
#   +8  BT_TIMER    cycles between timer interrupts (0 = no preemption)
#   +20 BT_INIT     1: entry 0 is init (src/guests/init.s), which starts
#                   the others itself (fork, then exec from the disk or
#                   bootexec of an entry); 0: none
#   +24 BT_PROCS    entries proc_init starts as boot processes, pid 1
#                   first: BT_COUNT, or 1 (init alone) with BT_INIT
#   +32 entries, BTE_SIZE bytes each: +0 physical address, +4 length in bytes
#       (a multiple of 4), +8 entry point (virtual), +12 reserved
#
# Process table entry (PROC_SIZE = 128 bytes; NPROC entries in proc_table):
#
#   +0  STATE   0 unused, 1 runnable, 2 exited,  +76  XSTATUS  exit code (-1: killed)
#               3 sleeping, 4 waiting (wait),    +80  HEAP     first heap address
#               5 blocked (below), 6 being made by fork
#   +4  PID     1, 2, ... in boot-table order,   +84  CYCLES   cycles it has run
#               then in fork order               +88  RUNS     times it was dispatched
#   +8  PGDIR   physical address of its page     +92  WAKE     CYCLE to wake at (sleeping)
#               directory                        +96  PARENT   the forking process's entry
#   +12 BRK     end of its heap (sbrk)                         (0: none, or it exited)
#   +16 EPC     where it resumes                 +100 PROG     boot-table index of its program
#   +20 registers r1 (a0) .. r14 (ra), 4 bytes   +104 COMM     the path exec ran it from, at
#       each, saved on every trap                              most 15 bytes and a NUL ("":
#                                                              a boot-table program)
#                                                +124 KSTACK   its slot's kernel page: kernel
#                                                              stack, open files, cwd (sleep.s)
#
#   STATE 5 (blocked): asleep inside the kernel, waiting for the disk
#   (kernel/sleep.s); its kernel stack holds where it resumes.
#
# An exited process stays in the table (its status readable) until its
# parent's wait reaps it, or its parent exits; boot processes have none.
# A reaped entry is free (STATE 0) but keeps its last occupant's PID,
# status and counts until proc_alloc hands it out again.
#
# Booted with BT_INIT, init is pid 1 and the parent of every process that
# outlives its own parent (orphans are inherited by init, as in Unix);
# when no process is left the kernel halts with init's exit status.
#
# System calls: `sys` with a0 = number, a1..a3 = arguments; the result comes
# back in a0 (-1 for an error); every other register is preserved except k0
# (ISA.md: trap handlers may clobber it).
#
#   1 exit(code)          4 yield() -> 0             7 uptime() -> CYCLE
#   2 write(fd, buf, n)   5 sbrk(n) -> old break     8 sleep(cycles) -> 0
#       -> n (fd 1 or 2)  6 putc(c) -> 0               (idles the machine with
#   3 getpid() -> pid                                   wfi if no one can run)
#   9 fork() -> the child's pid in the parent, 0 in the child (-1: no slot or
#       memory); the child shares every page copy-on-write
#  10 wait() -> a child's pid, its exit status in a1 (-1: no children);
#       sleeps until a child has exited
#  11 kill(pid) -> 0, or -1 if no live process has that pid; the process
#       ends at once with status -1 (one asleep in the kernel, when its
#       system call returns)
#  12 open  13 read  14 close  15 mkdir  16 unlink  17 fstat  18 chdir:
#       the file system's (kernel/file.s says what each takes and returns)
#  19 exec(path, argv): a program from the file system (kernel/exec.s)
#  20 bootexec(n): exec for entry n of the boot table (exec.s sys_bootexec)
#  21..40: namespaces (kernel/ns-syscall.s lists them): clone, unshare,
#       sethostname, gethostname, getuid, setuid
#
# A process that traps for any other reason (a page fault, an illegal or
# privileged instruction, a misaligned access, a division by zero, brk) is
# killed with a line on the console:
#
#   [kernel] pid 3 killed: PAGE_FAULT_STORE at 0x00000000
#
# (a memory fault names the address touched, any other fault the pc).
# When no process is left the kernel halts; the exit code (a0) is the number
# of processes it killed (for a fault or by kill), so 0 means every process
# exited by itself; booted with BT_INIT, it is init's exit status (init.s:
# the number of the programs it started that failed).
#
# On a machine built `software-tlb` (no hardware walker) the loader builds
# it with platform-swtlb.s and at KERNEL_BASE = 0x80000000: the kernel then
# runs from kseg0, untranslated, reaches every physical page at physical +
# KERNEL_BASE (so it needs no direct map), and refills the TLB from these
# same page tables in its TLB_MISS handler, as a MIPS kernel does. On the
# other platforms KERNEL_BASE is 0 and kernel addresses are physical ones.

        .equ CONSOLE_TX,      0xFFFF0000
        .equ MMIO_BASE,       0xFFFF0000
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
        .equ PTE_A,           0x20
        .equ PTE_D,           0x40
        .equ PTE_COW,         0x100         # software bit: shared by fork, copy on store

        .equ CAUSE_SYSCALL,   1
        .equ CAUSE_PAGE_FAULT_LOAD, 5
        .equ CAUSE_PAGE_FAULT_STORE, 6
        .equ CAUSE_TIMER,     16
        .equ CAUSE_DISK,      17
        .equ IRQ_DISK,        2             # CAUSE_DISK's bit in plat_idle's mask (1 << (17 - 16))
        .equ NCAUSES,         20

        .equ BOOT_TABLE,      0x00010000
        .equ BOOT_TABLE_KVA,  BOOT_TABLE + KERNEL_BASE   # where the kernel reads it
        .equ BOOT_MAGIC,      0x544F4F42
        .equ BT_MAGIC,        0
        .equ BT_COUNT,        4
        .equ BT_TIMER,        8
        .equ BT_MEM_TOP,      12
        .equ BT_FREE,         16
        .equ BT_INIT,         20
        .equ BT_PROCS,        24
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
        .equ P_WAITING,       4
        .equ P_BLOCKED,       5             # asleep in the kernel (sleep.s ksleep)
        .equ P_EXITING,       6             # killed, its files closing (sys_kill)
        .equ P_FORKING,       7             # being made by fork
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
        .equ PROC_PARENT,     96
        .equ PROC_PROG,       100
        .equ PROC_COMM,       104           # 16 bytes: exec's path (Linux's task->comm)
        .equ COMM_SIZE,       16
        .equ PROC_KSTACK,     124           # its kernel page (sleep.s)

        .equ KP_SP,           0             # the kernel page (sleep.s)
        .equ KP_CHAN,         4
        .equ KP_KILLED,       8
        .equ KP_CWD,          12
        .equ KP_FILES,        16
        .equ NOFILE,          16            # open files a process may hold
        .equ KP_HEADER,       KP_FILES + NOFILE * 4
        .equ KPAGE_SIZE,      1024          # a process's kernel page: header and kernel stack

        .equ NSYSCALLS,       21

        .text
# Reset vector: the machine starts here, in kernel mode, paging off, at
# physical 0. An absolute jump lands on boot at the address the kernel was
# assembled for: physical 0, or kseg0 (KERNEL_BASE) on the software-TLB
# platform, where the kernel runs untranslated from then on.
_start:
        la   k0, boot
        jalr zero, k0, 0

# ---------------------------------------------------------------------------
# Boot
# ---------------------------------------------------------------------------

# boot: sets up the trap vector, reads the boot table, builds the kernel's
# page directory, turns paging on, creates a process per program, starts the
# timer and runs the first process. Never returns.
boot:
        la   sp, kstack_top
        call plat_init              # the trap vector; interrupts stay masked
        li   s0, BOOT_TABLE_KVA
        lw   t0, BT_MAGIC(s0)
        li   t1, BOOT_MAGIC
        bne  t0, t1, no_boot_table
        lw   t0, BT_MEM_TOP(s0)
        la   t1, mem_top
        sw   t0, 0(t1)
        lw   t0, BT_FREE(s0)
        la   t1, free_next
        sw   t0, 0(t1)
        call kinit                  # page reference counts
        call kvm_init
        la   t0, kernel_pgdir
        lw   a0, 0(t0)
        call plat_paging_on         # the kernel runs on, identity mapped
        call proc_init
        lw   a0, BT_TIMER(s0)
        la   t0, timer_interval
        sw   a0, 0(t0)
        call plat_set_timer
        j    schedule

no_boot_table:
        la   a0, msg_no_boot
        call kputs
        li   a0, 255
        j    plat_halt

# out_of_memory, too_many_programs: panics with their message.
out_of_memory:
        la   a0, msg_oom
        j    panic
too_many_programs:
        la   a0, msg_nproc
# panic: a0 = message; prints it and halts with 255.
panic:
        call kputs
        li   a0, 255
        j    plat_halt

        .data
        .align 16
kstack:                             # the boot stack (and a panic's): a trap
        .space PAGE_SIZE            # runs on its process's own kernel stack (sleep.s)
kstack_top:
timer_interval: .word 0             # the boot table's BT_TIMER (0: no preemption)
msg_no_boot:    .asciz "[kernel] no boot table at 0x00010000\n"
msg_oom:        .asciz "[kernel] panic: out of memory\n"
msg_nproc:      .asciz "[kernel] panic: too many programs\n"
