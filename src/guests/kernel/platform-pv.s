# platform-pv.s: the kernel's privileged operations as hypercalls, for
# vmlab's paravirtual hypervisor (src/hypervisor/hypercalls.ts; Barham et
# al. 2003, "Xen and the Art of Virtualization", section 3). The loader
# assembles it in place of platform-native.s, whose header lists the
# interface (Linux's pv_ops: the same kernel, its privileged operations
# filled with hypercalls). The kernel built this way never executes a
# privileged instruction:
#
#   platform-native.s                platform-pv.s
#   csrw TVEC                        SET_TRAP_TABLE (handler, trap frame)
#   csrr CAUSE/EPC/BADVA, rett       the trap frame in memory, IRET
#   sw PTE (+ tlbinv)                MMU_UPDATE: the hypervisor validates it;
#                                    queued and sent in batches (below)
#   csrw PTBR (+ ASID, STATUS.PG)    SET_PAGE_TABLE
#   csrw TIMER                       SET_TIMER
#   csrr CYCLE                       GET_TIME
#   sti; wfi                         BLOCK
#   sb to CONSOLE_TX                 CONSOLE_WRITE (a buffer at a time)
#   disk registers (SECTOR .. STATUS) DISK_START, DISK_STATUS, DISK_INFO
#   halt                             SHUTDOWN
#
# Interrupts (events): the hypervisor masks them when it delivers a trap
# and IRET unmasks them as it enters user mode, so the kernel always runs
# with events masked and plat_irq_save has nothing to save (Xen guests
# keep the mask in the shared-info page for the same reason: no hypercall
# on the fast path).
#
# Page-table updates are batched (Barham et al. 2003, 3.3.1: "a guest OS
# may batch update requests to amortize the overhead of entering the
# hypervisor"; Linux's lazy MMU mode): plat_set_pte queues (ptr, val) and
# the queue goes to the hypervisor in one MMU_UPDATE when it holds
# pv_mmu_batch requests (1..PV_MMU_QUEUE, the guest's choice: the loader
# may patch the word), when a directory entry is set (the kernel walks it
# next), at every TLB operation, before SET_PAGE_TABLE and before the
# return to user mode. Until then a load of a queued entry reads its old
# value: Linux's lazy MMU mode "requires that read hazards be removed from
# the code ... reads though a raw PTE pointer after it has been modified
# are not guaranteed to be up to date" (include/linux/pgtable.h, above
# arch_enter_lazy_mmu_mode). The clock reads entries the code that asked
# kalloc for a frame (fork's uvm_share, cow_fault) may have queued, and
# that code reads the entries page-out rewrote, so page_evict sends the
# queue when it starts and before it returns (plat_lazy_mmu_flush, Linux's
# arch_flush_lazy_mmu_mode; pager.s says why page_fault needs none);
# elsewhere the kernel reads an entry it wrote only after a TLB operation
# on it.
#
# Trap frame (registered with SET_TRAP_TABLE; written by the hypervisor at
# every trap; IRET returns to F_EPC in user mode with events on, a0 = F_A0):
#   +0 F_CAUSE   +4 F_EPC   +8 F_BADVA   +12 F_A0

        .equ PLATFORM_MMIO,     0

        .equ HC_SET_TRAP_TABLE, 0
        .equ HC_MMU_UPDATE,     1
        .equ HC_BLOCK,          3
        .equ HC_CONSOLE_WRITE,  4
        .equ HC_EVENT_MASK,     5
        .equ HC_SET_TIMER,      7
        .equ HC_IRET,           8
        .equ HC_SHUTDOWN,       9
        .equ HC_SET_PAGE_TABLE, 10
        .equ HC_GET_TIME,       11
        .equ HC_DISK_START,     12
        .equ HC_DISK_STATUS,    13
        .equ HC_DISK_INFO,      14

        .equ F_CAUSE,           0
        .equ F_EPC,             4
        .equ F_BADVA,           8
        .equ F_A0,              12
        .equ CONSOLE_CHUNK,     256
        .equ PV_MMU_QUEUE,      64  # most requests one batch may hold

        .text

# plat_init: events masked while the kernel boots; every cause goes to
# trap_entry (trap.s), with the frame at pv_trap_frame. Clobbers a0..a3.
plat_init:
        li   a0, HC_EVENT_MASK
        hcall
        li   a0, HC_SET_TRAP_TABLE
        la   a1, pv_trap_table
        li   a2, 1
        la   a3, pv_trap_frame
        hcall
        ret

# plat_trap_info: the trap's cause and pc, from the frame.
plat_trap_info:
        la   a1, pv_trap_frame
        lw   a0, F_CAUSE(a1)
        lw   a1, F_EPC(a1)
        ret

# plat_fault_address: a0 = the address the trap names.
plat_fault_address:
        la   a0, pv_trap_frame
        lw   a0, F_BADVA(a0)
        ret

# plat_set_return: a0 = process: its pc and a0 into the frame IRET reads;
# queued page-table updates go first. Clobbers a1, a2, t0, t1.
plat_set_return:
        push ra
        push a0
        call plat_mmu_flush
        pop  a0
        pop  ra
        la   t1, pv_trap_frame
        lw   t0, PROC_EPC(a0)
        sw   t0, F_EPC(t1)
        lw   t0, PROC_A0(a0)
        sw   t0, F_A0(t1)
        ret

# plat_return: every register but a0 and k0 restored; IRET sets a0 from
# the frame. Entered by a jump.
plat_return:
        li   a0, HC_IRET
        hcall

# plat_irq_save, plat_irq_restore: events are always masked in the kernel.
plat_irq_save:
        li   t4, 0
        ret
plat_irq_restore:
        ret

# plat_idle: BLOCK until the next event. BLOCK returns the events pending,
# bit (CAUSE - 16), and consumes them, as a Xen guest reads and clears
# evtchn_pending after SCHEDOP_block (the scheduler runs disk_intr for a
# DISK), and as the native idle loop takes its interrupt.
plat_idle:
        li   a0, HC_BLOCK
        hcall
        ret

# plat_now: a0 = the VCPU's clock.
plat_now:
        li   a0, HC_GET_TIME
        hcall
        ret

# plat_set_timer: a0 = cycles between timer events (0 = off). Clobbers a1.
plat_set_timer:
        mv   a1, a0
        li   a0, HC_SET_TIMER
        hcall
        ret

# plat_paging_on, plat_switch_mm: a0 = page directory (Xen's
# MMUEXT_NEW_BASEPTR; the hypervisor keeps its own address-space tags, so
# the ASID in a1 is not passed); queued updates go first. Clobber a1, a2, t0.
plat_paging_on:
plat_switch_mm:
        push ra
        push a0
        call plat_mmu_flush
        pop  a1
        pop  ra
        li   a0, HC_SET_PAGE_TABLE
        hcall
        ret

# plat_set_pte: a0 = the entry's guest-physical address, a1 = its value:
# one request queued for MMU_UPDATE, which the hypervisor validates (a
# guest may map only its own frames, never a page table writable) and
# after which its shadow translations follow. Sent at once when the queue
# is full or the entry is a directory entry (a frame | V and nothing else).
# Clobbers a0..a2, t0.
plat_set_pte:
        la   t0, pv_mmu_count
        lw   a2, 0(t0)
        shli a2, a2, 3
        la   t0, pv_mmu_queue
        add  t0, t0, a2
        sw   a0, 0(t0)
        sw   a1, 4(t0)
        la   t0, pv_mmu_count
        lw   a2, 0(t0)
        addi a2, a2, 1
        sw   a2, 0(t0)
        la   t0, pv_mmu_batch
        lw   t0, 0(t0)
        bgeu a2, t0, plat_mmu_flush
        andi a1, a1, 0xFFF
        li   t0, PTE_V
        beq  a1, t0, plat_mmu_flush
        ret

# plat_mmu_flush, plat_lazy_mmu_flush: the queued requests in one
# MMU_UPDATE (none: no hypercall). Clobbers a0..a2, t0.
plat_lazy_mmu_flush:
plat_mmu_flush:
        la   t0, pv_mmu_count
        lw   a2, 0(t0)
        beqz a2, plat_mmu_flushed
        sw   zero, 0(t0)
        li   a0, HC_MMU_UPDATE
        la   a1, pv_mmu_queue
        hcall
plat_mmu_flushed:
        ret

# plat_tlb_inv, plat_tlb_flush: the queue goes to the hypervisor, whose
# shadows follow every update it applies; nothing else is left to drop.
plat_tlb_inv:
plat_tlb_flush:
        j    plat_mmu_flush

# plat_console_write: a0 = address, a1 = length >= 0. The bytes are copied
# into the kernel's buffer (a guest-physical address the hypervisor can
# read: a user buffer's virtual address means nothing to it) and written
# CONSOLE_CHUNK at a time. Clobbers a0..a3, t0..t3.
plat_console_write:
        mv   t2, a0                 # t2 = next byte
        add  t3, a0, a1             # t3 = end
plat_console_chunk:
        bgeu t2, t3, plat_console_done
        la   t0, pv_console_buffer
        li   t1, 0                  # bytes in this chunk
plat_console_copy:
        bgeu t2, t3, plat_console_flush
        li   a3, CONSOLE_CHUNK
        bgeu t1, a3, plat_console_flush
        lbu  a3, 0(t2)
        add  a2, t0, t1
        sb   a3, 0(a2)
        addi t2, t2, 1
        addi t1, t1, 1
        j    plat_console_copy
plat_console_flush:
        li   a0, HC_CONSOLE_WRITE
        mv   a1, t0
        mv   a2, t1
        hcall
        j    plat_console_chunk
plat_console_done:
        ret

# plat_disk_start: a0 = block, a1 = buffer (guest-physical), a2 = 0 read /
# 1 write: the DISK_START hypercall; the hypervisor's backend raises the
# DISK event when it is done. Returns a0 = 0, or -1 if it refused.
# Clobbers a1..a3.
plat_disk_start:
        mv   a3, a2
        mv   a2, a1
        mv   a1, a0
        li   a0, HC_DISK_START
        hcall
        beqz a0, plat_disk_out
        li   a0, -1
plat_disk_out:
        ret

# plat_disk_status: DISK_STATUS: 0 done, -1 failed (acknowledged).
plat_disk_status:
        li   a0, HC_DISK_STATUS
        hcall
        beqz a0, plat_disk_out
        li   a0, -1
        ret

# plat_disk_blocks: DISK_INFO: the disk's size in blocks.
plat_disk_blocks:
        li   a0, HC_DISK_INFO
        hcall
        ret

# plat_halt: a0 = exit code.
plat_halt:
        mv   a1, a0
        li   a0, HC_SHUTDOWN
        hcall

        .data
        .align 4
pv_trap_table:  .word 0, trap_entry # cause 0: the handler for every cause
pv_trap_frame:  .space 16
pv_mmu_batch:   .word 16            # requests per MMU_UPDATE, 1..PV_MMU_QUEUE (mmuBatch of
                                    # buildParavirtualKernelImage patches it): past 16 a fork
                                    # loop's whole run, boot included, gains under 1%
pv_mmu_count:   .word 0             # requests queued
pv_mmu_queue:   .space 8 * PV_MMU_QUEUE
pv_console_buffer: .space CONSOLE_CHUNK
