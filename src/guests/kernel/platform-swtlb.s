# platform-swtlb.s: what the kernel's platform adds on toy32 built
# `mmu: "software-tlb"` (ISA.md, "Memory management"), the MIPS design Disco
# virtualizes (Bugnion et al. 1997). The loader assembles it after
# platform-native.s, whose routines (the plat_* interface in its header)
# serve this platform unchanged, with PLATFORM_TVEC = plat_refill_vector
# and the whole kernel at KERNEL_BASE = 0x80000000, in kseg0.
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

        .equ CAUSE_TLB_MISS,  10

        .text

# plat_refill_vector: TVEC, in kseg0 so that taking a trap never misses.
# A TLB miss, from either mode, is refilled here; every other trap goes on
# to the native platform's plat_trap_vector (user mode: trap_entry; kernel
# mode: trap_from_kernel).
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
plat_refill_vector:
        csrr k0, CAUSE
        addi k0, k0, -CAUSE_TLB_MISS
        bnez k0, plat_trap_vector
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
