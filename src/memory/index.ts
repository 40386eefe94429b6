/**
 * src/memory: guest memory, one home for it (issue 11). The techniques of
 * src/hypervisor ask these files for translations; they never call into
 * each other for them.
 *
 * Three address spaces (Bugnion et al. 1997, Disco, 4.2.2; OSTEP's VMM
 * chapter, "virtual, physical and machine addresses"):
 *
 *   guest-virtual          guest-physical           machine
 *   (what a guest          (what the guest          (the real RAM of the
 *    process names)         kernel believes is RAM)  host, one for all VMs)
 *
 *   +-----------+  guest's  +-----------+  VM's     +--------------------+
 *   | va        | --------> | gpa       | --------> | hypervisor (never  |
 *   |           |  page     |           |  pmap     |  mapped)           |
 *   |           |  tables   |           |  (pmap.ts)| VM 0's frames      |
 *   +-----------+  (guest-  +-----------+           | VM 1's frames      |
 *        |         walk.ts)                         | shadow / nested    |
 *        |                                          |  tables            |
 *        +------------------------------------------>--------------------+
 *          what the real MMU must do in one step, built one of three ways:
 *
 *   shadow-paging.ts  shadow tables va -> machine, built by the hypervisor
 *                     from the guest's tables and the pmap, kept true by
 *                     tracing (write-protected guest page tables);
 *   shadow-mmu.ts     what the software techniques ask of them: resolve a
 *                     missed access, follow a page-table write, switch
 *                     address space
 *   nested-paging.ts  a nested table gpa -> machine; the MMU walks the
 *                     guest's table and translates every guest-physical
 *                     reference through it (a two-dimensional walk)
 *   mmu-update.ts     a paravirtual guest asks for each PTE change and the
 *                     hypervisor validates it (Xen's MMU_UPDATE)
 *   software-tlb.ts   no page tables for the MMU at all (MIPS, Disco): the
 *                     VMM refills the real TLB with va -> machine from the
 *                     guest's tlbw entries and the pmap, and keeps a
 *                     second-level TLB of them
 *
 * allocator.ts hands out the machine regions: VMs' memory and pools.
 *
 * overcommit/ (chapter 05, issue 12) is the per-page pmap of an
 * overcommitted host and the mechanisms of Waldspurger 2002 on it:
 * on-demand backing, ballooning, content-based page sharing, hypervisor
 * swapping, min-funding revocation with the idle memory tax. It is
 * exported from src/index.ts directly; chapter 04's techniques do not use
 * it yet.
 */
export { Pmap } from "./pmap";
export { RegionAllocator, type Region } from "./allocator";
export { translateGuest, permits, FAULT_CAUSE, type Access, type GuestAddressSpace, type GuestMapping, type GuestTranslation } from "./guest-walk";
export { ShadowPageTables, PAGING_OFF, FLOOD_LIMIT, type ShadowStats, type ShadowOptions, type View } from "./shadow-paging";
export { validateUpdate, type UpdateVerdict } from "./mmu-update";
export { ShadowMmu, type Resolution, type ShadowGuest, type ShadowHost, type ShadowCosts } from "./shadow-mmu";
export { NestedPageTable } from "./nested-paging";
export { SoftwareTlbMmu, GuestTlb, L2_TLB_ENTRIES, l2HitRate, type SoftwareTlbStats, type MissResolution } from "./software-tlb";
export { DirtyLog } from "./dirty-log";
