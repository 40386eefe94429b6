# platform-swtlb.s: the kernel's privileged operations on toy32 built
# `mmu: "software-tlb"` (ISA.md, "Memory management"), the MIPS design Disco
# virtualizes (Bugnion et al. 1997). The loader assembles it in place of
# platform-native.s (whose header lists the plat_* interface) and
# assembles the whole kernel at KERNEL_BASE, in kseg0.
#
# What differs from the native platform:
#
#   - The kernel runs from kseg0 (MIPS R4000's "kseg0: unmapped, cached"):
#     its text, data and stack, and every physical page it touches, at
#     physical + KERNEL_BASE, never translated and never in the TLB. It
#     needs no direct map of memory in its page tables (vm.s kvm_init
#     skips it); its page tables hold the user pages and the device pages,
#     which lie above kseg0.
#   - No hardware walker: a TLB miss traps TLB_MISS with BADVA and TLBHI
#     (VPN | ASID) set, and plat_trap_vector refills the TLB from the page
#     tables with tlbw (below). The kernel's own accesses to user buffers
#     and to the devices miss and refill the same way.
#   - The TLB is tagged with the ASID: plat_switch_mm writes PTBR (read
#     only by the refill handler here) and ASID, and flushes nothing.
#
#   physical                          kernel (kseg0, untranslated)
#   0x00000000 +----------------+     0x80000000  kernel text, data, stack
#   0x00010000 | boot table     |     0x80010000  what the kernel reads
#   free start | frames (kalloc)|     0x80000000 + physical
#   mem top    +----------------+     (kseg0 ends at 0xBFFFFFFF: 1 GiB)

        .equ PLATFORM_MMIO,   1
        .equ KERNEL_BASE,     0x80000000    # kseg0: kernel address = physical + KERNEL_BASE
        .equ CAUSE_TLB_MISS,  10

        .text

# plat_trap_vector: TVEC, in kseg0 so that taking a trap never misses.
# A TLB miss, from either mode, is refilled here; every other trap goes
# on as on the native platform (user mode: trap_entry; kernel mode:
# trap_from_kernel).
#
# The refill follows MIPS's UTLB miss handler (Kane and Heinrich, "MIPS
# RISC Architecture", 1992, the R3000 utlbmiss handler; Sweetman, "See
# MIPS Run", 2nd ed., 6.7 "The TLB refill exception"): a few instructions
# that use only the registers reserved for the kernel (MIPS's k0 and k1;
# toy32 has one k0, so t0 is kept in SCRATCH meanwhile), load the PTE of
# the missing page, write it to the TLB (EntryLo: TLBLO; EntryHi: TLBHI,
# already set by the trap) and return. As on MIPS the handler does not
# check the PTE's valid bit: an invalid PTE (or a missing page table,
# loaded as 0) goes into the TLB as it is, the retried access takes the
# page fault of its kind (PAGE_FAULT_LOAD, _STORE or _FETCH: MIPS's TLBL
# and TLBS "TLB invalid" exceptions), and the kernel's fault path handles
# it as on any platform. A valid PTE gains A (accessed), the reference bit
# the clock algorithm reads, which MIPS hardware does not keep either.
        .align 4
plat_trap_vector:
        csrr k0, CAUSE
        addi k0, k0, -CAUSE_TLB_MISS
        bnez k0, plat_trap_other
        csrw SCRATCH, t0            # k1, in MIPS's handler
        csrr k0, PTBR               # the page directory (physical)
        csrr t0, BADVA
        shri t0, t0, 22
        shli t0, t0, 2
        add  k0, k0, t0
        lui  t0, KERNEL_BASE >> 16
        or   k0, k0, t0             # its entry, through kseg0
        lw   k0, 0(k0)              # the directory entry
        andi t0, k0, PTE_V
        beqz t0, plat_refill_none
        shri k0, k0, 12
        shli k0, k0, 12             # the page table (physical)
        csrr t0, BADVA
        shri t0, t0, 10
        andi t0, t0, 0xFFC
        add  k0, k0, t0
        lui  t0, KERNEL_BASE >> 16
        or   k0, k0, t0             # the PTE, through kseg0
        lw   t0, 0(k0)
        csrw TLBLO, t0              # EntryLo = the PTE, as it is
        andi t0, t0, PTE_V
        beqz t0, plat_refill_write
        csrr t0, TLBLO
        ori  t0, t0, PTE_A          # referenced: for the clock
        sw   t0, 0(k0)
        csrw TLBLO, t0
plat_refill_write:
        tlbw                        # TLB[VPN | ASID] = EntryLo
        csrr t0, SCRATCH
        rett
plat_refill_none:                   # no page table: an invalid entry
        csrw TLBLO, zero
        tlbw
        csrr t0, SCRATCH
        rett

plat_trap_other:
        csrr k0, STATUS
        andi k0, k0, STATUS_PKM
        bnez k0, trap_from_kernel
        j    trap_entry

# trap_from_kernel: the kernel takes interrupts only in its idle loop
# (plat_idle): return at once. Any other trap in kernel mode (a TLB miss
# was refilled above) is a kernel bug.
trap_from_kernel:
        csrr k0, CAUSE
        shri k0, k0, 4              # interrupts are CAUSE 16..19
        beqz k0, kernel_trap
        rett

# kernel_trap: report the cause, address and pc, and halt with 255.
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

# plat_init: points TVEC at the trap vector (a kseg0 address: the
# handler never misses). Interrupts are off from reset.
plat_init:
        la   t0, plat_trap_vector
        csrw TVEC, t0
        ret

plat_trap_info:
        csrr a0, CAUSE
        csrr a1, EPC
        ret

plat_fault_address:
        csrr a0, BADVA
        ret

# plat_set_return: a0 = process; as native (PG stays on: user addresses
# go through the TLB). Clobbers t0.
plat_set_return:
        lw   t0, PROC_EPC(a0)
        csrw EPC, t0
        li   t0, STATUS_PG | STATUS_KM | STATUS_PIE
        csrw STATUS, t0
        ret

plat_return:
        lw   a0, PROC_A0(k0)
        rett

plat_irq_save:
        pushf t4
        popf zero
        ret
plat_irq_restore:
        popf t4
        ret

# plat_idle: sti; wfi; cli, as native. Clobbers t0.
plat_idle:
        li   t0, STATUS_IE
        popf t0
        wfi
        popf zero
        ret

plat_now:
        csrr a0, CYCLE
        ret

plat_set_timer:
        csrw TIMER, a0
        ret

# plat_paging_on: a0 = page directory (physical). STATUS.PG on sends
# addresses outside kseg0 through the TLB; the kernel runs on in kseg0.
# Clobbers t0.
plat_paging_on:
        csrw PTBR, a0
        tlbflush
        li   t0, STATUS_KM | STATUS_PG
        csrw STATUS, t0
        ret

# plat_switch_mm: a0 = page directory (physical: the refill handler reads
# it), a1 = ASID. Entries of other address spaces stay in the TLB, tagged
# with their ASIDs, so no flush (MIPS EntryHi.ASID).
plat_switch_mm:
        csrw PTBR, a0
        csrw ASID, a1
        ret

# plat_set_pte: a0 = the entry's kernel (kseg0) address, a1 = its value.
plat_set_pte:
        sw   a1, 0(a0)
        ret

plat_tlb_inv:
        tlbinv a0
        ret

plat_tlb_flush:
        tlbflush
        ret

# plat_console_write: a0 = address, a1 = length >= 0. CONSOLE_TX lies
# above kseg0: its page is mapped in every page directory and refilled
# like any other. Clobbers t0..t2.
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

plat_halt:
        halt
