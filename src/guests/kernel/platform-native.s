# platform-native.s: the kernel's privileged operations done with toy32's own
# instructions, for bare metal and for every hypervisor technique that runs
# an unmodified kernel (trap-and-emulate, binary translation, hardware
# assist). The loader assembles this file or platform-pv.s in its place:
# the rest of the kernel calls only the plat_* routines below for anything
# privileged. This is the idea of Linux's paravirt_ops (pv_ops,
# arch/x86/include/asm/paravirt_types.h: pv_cpu_ops, pv_irq_ops,
# pv_mmu_ops): one kernel, whose privileged operations are a table of
# routines filled at build time with native instructions or with
# hypercalls (Xen's, here platform-pv.s's).
#
# The interface both platform files provide (each routine says what it
# clobbers; ra always, since they are called):
#
#   plat_init             trap vector set, interrupts masked
#   plat_trap_info        a0 = CAUSE, a1 = EPC of the trap taken
#   plat_fault_address    a0 = its BADVA (read only for faults: a system
#                         call's path stays as short as the native one)
#   plat_return(k0=proc)  to user mode at the process's saved EPC
#   plat_set_return(a0)   prepares plat_return for process a0
#   plat_irq_save         t4 = interrupt state, then interrupts masked
#   plat_irq_restore      interrupt state back from t4
#   plat_idle             waits for the next interrupt (sti; hlt); a0 = the
#                         interrupts taken meanwhile, bit (CAUSE - 16)
#   plat_now              a0 = the clock in cycles
#   plat_set_timer(a0)    timer interrupt every a0 cycles (0 = off)
#   plat_paging_on(a0)    paging on with page directory a0
#   plat_switch_mm(a0,a1) page directory a0, address-space id a1
#   plat_set_pte(a0,a1)   the page-table (or directory) entry at physical
#                         address a0 becomes a1
#   plat_tlb_inv(a0)      drops the translation of virtual address a0
#   plat_tlb_flush        drops every translation
#   plat_lazy_mmu_flush   page-table updates plat_set_pte may have queued
#                         reach the tables (Linux's arch_flush_lazy_mmu_mode):
#                         after it, a load of an entry sees its last value
#   plat_console_write    a0 = address, a1 = length: bytes to the console
#   plat_disk_start       a0 = block, a1 = buffer (physical), a2 = 0 read /
#                         1 write: starts a request; a0 = 0, or -1 refused
#   plat_disk_status      a0 = 0 the request is done, -1 it failed; the
#                         interrupt is acknowledged (kernel/disk.s)
#   plat_disk_blocks      a0 = the disk's size in 1024-byte blocks
#   plat_halt(a0)         stops the machine with exit code a0
#
# PLATFORM_MMIO says whether the kernel maps the device pages (and reaches
# its devices by loads and stores): native does.
#
# The software-TLB platform is this file and platform-swtlb.s, its TLB
# refill vector. The loader gives both platforms their KERNEL_BASE (0 here:
# kernel addresses are physical) and PLATFORM_TVEC (loader.ts
# buildConstants).

        .equ PLATFORM_MMIO,   1

        .text

# plat_trap_vector: TVEC. Traps from user mode go to the kernel's trap_entry
# (trap.s) with only k0 changed; traps from kernel mode to trap_from_kernel.
        .align 4
plat_trap_vector:
        csrr k0, STATUS
        andi k0, k0, STATUS_PKM
        bnez k0, trap_from_kernel
        j    trap_entry

# trap_from_kernel: the kernel takes interrupts only in its idle loop
# (plat_idle), where an interrupt's job is to end the wfi and to say that
# it came: its bit goes into idle_irqs, which plat_idle hands back, and
# the scheduler does its work (the DISK's disk_intr) when plat_idle
# returns, as a bottom half. x86's sti keeps interrupts off for one more
# instruction, so `sti; hlt` cannot lose a wakeup between the two; toy32
# has no such shadow, so an interrupt taken just before the wfi returns
# past it. Any other trap in kernel mode is a kernel bug.
#
# The interrupt may come at any instruction from the sti to the cli, and
# plat_idle holds STATUS in t0 across the cli's csrr/andi/csrw: the
# handler must give every register but k0 back as it found it (t0 waits
# in tfk_t0 meanwhile; MIPS's handlers keep to k0 and k1 for the same
# reason). Clobbering t0 there once turned the cli into a write of
# STATUS = 0: the machine went on in user mode at plat_idle_wfi+16 and
# the process that had run last was killed for a PAGE_FAULT_FETCH there.
trap_from_kernel:
        csrr k0, CAUSE
        shri k0, k0, 4              # interrupts are CAUSE 16..19
        beqz k0, kernel_trap
        la   k0, tfk_t0
        sw   t0, 0(k0)
        csrr k0, CAUSE
        addi k0, k0, -16
        li   t0, 1
        shl  t0, t0, k0             # t0 = the interrupt's bit
        la   k0, idle_irqs
        lw   k0, 0(k0)
        or   t0, t0, k0
        la   k0, idle_irqs
        sw   t0, 0(k0)
        csrr k0, EPC
        la   t0, plat_idle_wfi
        bne  k0, t0, trap_from_kernel_out
        addi k0, k0, 4              # not yet waiting: do not wait at all
        csrw EPC, k0
trap_from_kernel_out:
        la   k0, tfk_t0
        lw   t0, 0(k0)
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

# plat_init: points TVEC at the trap vector (PLATFORM_TVEC, from the
# loader: plat_trap_vector, or platform-swtlb.s's refill vector in front of
# it). Interrupts are off from reset.
plat_init:
        la   t0, PLATFORM_TVEC
        csrw TVEC, t0
        ret

# plat_trap_info: the trap's CAUSE and EPC in a0, a1.
plat_trap_info:
        csrr a0, CAUSE
        csrr a1, EPC
        ret

# plat_fault_address: a0 = BADVA.
plat_fault_address:
        csrr a0, BADVA
        ret

# plat_set_return: a0 = process. EPC = its saved pc; rett will enter user
# mode with interrupts on (KM = PKM = 0, IE = PIE = 1). Clobbers t0.
plat_set_return:
        lw   t0, PROC_EPC(a0)
        csrw EPC, t0
        li   t0, STATUS_PG | STATUS_KM | STATUS_PIE
        csrw STATUS, t0
        ret

# plat_return: k0 = process whose other registers are restored: its a0,
# then rett. Entered by a jump (ra is already the user's).
plat_return:
        lw   a0, PROC_A0(k0)
        rett

# plat_irq_save, plat_irq_restore: x86's pushfl; cli ... popfl, with the
# sensitive pushf/popf (ISA.md): a binary translator must catch them.
plat_irq_save:
        pushf t4
        popf zero
        ret
plat_irq_restore:
        popf t4
        ret

# plat_idle: the x86 idle loop, sti; hlt. The interrupt is taken in kernel
# mode (trap_from_kernel records it and returns at once, past the wfi if
# it came before it). Returns a0 = the interrupts taken, bit (CAUSE - 16).
# Interrupts go on and off with csrw STATUS, which traps when the kernel
# is deprivileged, as x86's sti and cli do (IOPL-sensitive); a popf here
# would be ignored under plain trap-and-emulate (the problem pushf/popf
# are there to show), and the kernel would never see the disk's interrupt.
# Clobbers t0.
plat_idle:
        csrr t0, STATUS
        ori  t0, t0, STATUS_IE
        csrw STATUS, t0             # interrupts on (sti) ...
plat_idle_wfi:
        wfi                         # ... and wait for one (hlt)
        csrr t0, STATUS
        andi t0, t0, STATUS_KM | STATUS_PIE | STATUS_PKM | STATUS_PG
        csrw STATUS, t0             # interrupts off again (cli)
        la   t0, idle_irqs
        lw   a0, 0(t0)
        sw   zero, 0(t0)
        ret

# plat_now: a0 = CYCLE.
plat_now:
        csrr a0, CYCLE
        ret

# plat_set_timer: a0 = cycles between timer interrupts (0 = off).
plat_set_timer:
        csrw TIMER, a0
        ret

# plat_paging_on: a0 = page directory. Clobbers t0.
plat_paging_on:
        csrw PTBR, a0
        tlbflush
        li   t0, STATUS_KM | STATUS_PG
        csrw STATUS, t0             # paging on: the kernel runs on, identity mapped
        ret

# plat_switch_mm: a0 = page directory, a1 = ASID. The TLB is tagged with
# the ASID, so no flush.
plat_switch_mm:
        csrw PTBR, a0
        csrw ASID, a1
        ret

# plat_set_pte: a0 = the entry's physical address (the kernel's memory is
# identity mapped), a1 = its new value. The caller drops stale
# translations with plat_tlb_inv.
plat_set_pte:
        sw   a1, 0(a0)
        ret

# plat_tlb_inv: a0 = a virtual address.
plat_tlb_inv:
        tlbinv a0
        ret

plat_tlb_flush:
        tlbflush
        ret

# plat_lazy_mmu_flush: nothing is queued here (plat_set_pte stores at once).
plat_lazy_mmu_flush:
        ret

# plat_console_write: a0 = address, a1 = length >= 0. Clobbers t0..t2.
plat_console_write:
        li   t0, CONSOLE_TX
        add  t1, a0, a1
plat_console_loop:
        bgeu a0, t1, plat_console_done
        lbu  t2, 0(a0)
        sb   t2, 0(t0)
        addi a0, a0, 1
        j    plat_console_loop
plat_console_done:
        ret

# The disk (src/machine/devices/disk.ts): SECTOR, DMA, COUNT, COMMAND,
# STATUS, SECTORS at DISK_BASE; two 512-byte sectors a block.
        .equ DISK_BASE,       0xFFFF1000
        .equ DISK_SECTOR,     0x00
        .equ DISK_DMA,        0x04
        .equ DISK_COUNT,      0x08
        .equ DISK_COMMAND,    0x0C
        .equ DISK_STATUS,     0x10
        .equ DISK_SECTORS,    0x14
        .equ DISK_DONE,       2

# plat_disk_start: a0 = block, a1 = buffer, a2 = 0 read / 1 write. The
# device's COMMAND is 1 READ, 2 WRITE; it raises DISK when done (or at once
# with ERROR for a bad request). Returns a0 = 0. Clobbers t0, t1.
plat_disk_start:
        li   t0, DISK_BASE
        shli a0, a0, 1
        sw   a0, DISK_SECTOR(t0)
        sw   a1, DISK_DMA(t0)
        li   t1, 2
        sw   t1, DISK_COUNT(t0)
        addi a2, a2, 1
        sw   a2, DISK_COMMAND(t0)
        li   a0, 0
        ret

# plat_disk_status: a0 = 0 if STATUS says DONE, else -1; STATUS back to
# IDLE. Clobbers t0, t1.
plat_disk_status:
        li   t0, DISK_BASE
        lw   t1, DISK_STATUS(t0)
        sw   zero, DISK_STATUS(t0)
        li   a0, 0
        li   t0, DISK_DONE
        beq  t1, t0, plat_disk_status_out
        li   a0, -1
plat_disk_status_out:
        ret

# plat_disk_blocks: a0 = SECTORS / 2. Clobbers t0.
plat_disk_blocks:
        li   t0, DISK_BASE
        lw   a0, DISK_SECTORS(t0)
        shri a0, a0, 1
        ret

# plat_halt: a0 = exit code.
plat_halt:
        halt

        .data
        .align 4
idle_irqs:      .word 0             # interrupts taken in plat_idle, bit (CAUSE - 16)
tfk_t0:         .word 0             # t0 while trap_from_kernel runs
        .text
