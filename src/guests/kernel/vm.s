# vm.s: page tables (xv6 vm.c): the walk, mapping a page, the kernel's
# directory, each process's directory and its freeing, and the check that
# a user buffer lies in pages the process may touch.

#
#   virtual address  | dir index 31..22 | table index 21..12 | offset 11..0 |
#   directory entry  | page table's frame number 31..12 |           ... V |
#   page-table entry | frame number 31..12    | D A . X U W V             |

        .text

# Page directories and tables are named by their physical addresses (what
# PTBR and a directory entry hold); the kernel reads and writes them at
# their kernel addresses, physical + KERNEL_BASE (kalloc.s).

# walk: finds the page-table entry of a virtual address, like xv6's walk().
#   a0 = page directory (physical), a1 = virtual address, a2 = 1 to create
#   a missing page table. Returns a0 = the PTE's kernel address, or 0 (no
#   table and a2 = 0, or no memory for one). Preserves a1.
walk:
        push ra
        push s1
        push s2
        mv   s2, a1
        shri t0, a1, 22
        shli t0, t0, 2
        add  s1, a0, t0
        lui  t1, KERNEL_BASE >> 16
        or   s1, s1, t1             # s1 = &directory[va >> 22]
        lw   t0, 0(s1)
        andi t1, t0, PTE_V
        bnez t1, walk_table
        beqz a2, walk_none
        call kalloc                 # a new page table, all entries invalid
        beqz a0, walk_none
        lui  t1, KERNEL_BASE >> 16
        sub  a1, a0, t1             # its physical address
        ori  a1, a1, PTE_V
        push a1
        mv   a0, s1
        call plat_set_pte
        pop  t0
walk_table:
        shri t0, t0, 12
        shli t0, t0, 12             # the page table's physical address
        lui  t1, KERNEL_BASE >> 16
        or   t0, t0, t1
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
# A user page (U) with one holder gets its reverse map entry (kalloc.s),
# which makes it a candidate for the clock (pager-clock.s).
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
        push a0
        push a1
        or   a1, s1, s2
        call plat_set_pte
        pop  a1
        pop  a2                     # a2 = the PTE's address
        andi t0, s2, PTE_U
        beqz t0, map_page_ok
        mv   a0, s1
        call frame_ref
        lbu  t1, 0(t0)
        li   t2, 1
        bne  t1, t2, map_page_ok    # shared: the clock leaves it alone
        call frame_rmap_of
        sw   a2, 0(t0)
        sw   a1, 4(t0)
map_page_ok:
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
# at the same virtual addresses (unless the kernel reaches it through kseg0:
# KERNEL_BASE != 0) and, on a platform with PLATFORM_MMIO, the device
# pages, all with U=0.
kvm_init:
        push ra
        push s0
        push s1
        push s2
        call kalloc
        beqz a0, out_of_memory
        lui  t0, KERNEL_BASE >> 16
        sub  a0, a0, t0             # physical
        la   t0, kernel_pgdir
        sw   a0, 0(t0)
        mv   s0, a0                 # s0 = the directory
        li   s1, 0                  # s1 = the next page to map
        la   s2, mem_top
        lw   s2, 0(s2)              # s2 = mem_top (a register: under a
                                    # hypervisor every map_page may drop
                                    # the shadow of the page it lives in)
        li   t0, KERNEL_BASE
        bnez t0, kvm_devices_start  # kseg0 is the kernel's direct map
kvm_memory:
        bgeu s1, s2, kvm_devices_start
        mv   a0, s0
        mv   a1, s1
        mv   a2, s1
        li   a3, PTE_V | PTE_W | PTE_X
        call map_page
        bnez a0, out_of_memory
        addi s1, s1, PAGE_SIZE
        j    kvm_memory
kvm_devices_start:
        li   t0, PLATFORM_MMIO      # a platform that reaches devices by hypercall
        beqz t0, kvm_done           # maps none
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
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# uvm_create: returns a0 = a new page directory (physical) holding the
# kernel's mappings (the same page tables, so later kernel mappings show in
# every process), or 0 when out of memory.
uvm_create:
        push ra
        call kalloc
        beqz a0, uvm_create_out
        push a0
        la   a1, kernel_pgdir
        lw   a1, 0(a1)
        lui  t0, KERNEL_BASE >> 16
        or   a1, a1, t0
        li   a2, PAGE_SIZE
        call memcpy
        pop  a0
        lui  t0, KERNEL_BASE >> 16
        sub  a0, a0, t0             # physical
uvm_create_out:
        pop  ra
        ret

# uvm_free: a0 = a process. Frees its user pages (image and heap, which
# fill [USER_BASE, brk) rounded up to a page, and the stack region), then its
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
        li   s1, USER_STACK_BOTTOM
uvm_free_stack_page:
        mv   a0, s1
        call free_user_page
        addi s1, s1, PAGE_SIZE
        li   t0, USER_STACK_TOP
        bne  s1, t0, uvm_free_stack_page
        lw   s1, PROC_PGDIR(s0)
        lui  t0, KERNEL_BASE >> 16
        or   s1, s1, t0             # the directory's kernel address
        addi s2, s1, USER_STACK_TOP >> 20   # s2 = end of the user directory entries
        li   t0, USER_BASE >> 20    # directory index of USER_BASE, times 4
        add  s1, s1, t0             # s1 = &directory[USER_BASE >> 22]
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
        call plat_tlb_flush
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# free_user_page: a0 = a virtual page of the process s0; unmaps it (the
# PTE cleared, its TLB entry dropped) and frees the physical page that was
# there, or its swap slot (pager.s), if any.
free_user_page:
        push ra
        mv   a1, a0
        lw   a0, PROC_PGDIR(s0)
        li   a2, 0
        call walk                   # keeps a1 = the virtual page
        beqz a0, free_user_page_out
        lw   t0, 0(a0)
        andi t1, t0, PTE_V
        bnez t1, free_user_page_frame
        andi t1, t0, PTE_PAGEOUT
        bnez t1, free_user_page_transit
        andi t1, t0, PTE_SWAPPED
        beqz t1, free_user_page_out # never touched
        push t0                     # in swap: its slot loses a holder
        li   a1, 0
        call plat_set_pte
        pop  a0
        shri a0, a0, 12
        call swap_free
        j    free_user_page_out
free_user_page_transit:             # being written to swap: the writer
        push t0                     # (pager-out.s page_out) holds the frame
        li   a1, 0                  # too, and frees the slot when it sees
        call plat_set_pte           # no holder is left
        lw   a0, 0(sp)
        call frame_rmap_of
        sw   zero, 0(t0)
        pop  a0
        shri a0, a0, 12
        shli a0, a0, 12
        call kfree                  # this holder's reference
        j    free_user_page_out
free_user_page_frame:
        push t0
        push a1
        li   a1, 0
        call plat_set_pte
        pop  a0
        call plat_tlb_inv
        pop  t0
        shri a0, t0, 12
        shli a0, a0, 12
        call kfree
free_user_page_out:
        pop  ra
        ret

# uvm_share: a0 = a virtual page of the process s0, a1 = another process.
# Maps the same frame at the same address in a1's space (fork): a writable
# page becomes read-only and PTE_COW in both, and its frame gains a holder
# (kref); cow_fault copies it on the first store. Returns a0 = 0, or -1
# when a1 has no memory for a page table. A page never touched is skipped;
# one in swap is shared by its slot.
uvm_share:
        push ra
        push s1
        push s2
        mv   s2, a0                 # s2 = the page
        mv   s1, a1                 # s1 = the other process
        mv   a1, a0
        lw   a0, PROC_PGDIR(s0)
        li   a2, 0
        call walk
        beqz a0, uvm_share_ok
        lw   t0, 0(a0)
        andi t1, t0, PTE_PAGEOUT
        beqz t1, uvm_share_state
        push a0                     # in transit to swap: take it back first
        call page_reclaim
        pop  a0
        lw   t0, 0(a0)
uvm_share_state:
        andi t1, t0, PTE_V
        bnez t1, uvm_share_present
        andi t1, t0, PTE_SWAPPED
        beqz t1, uvm_share_ok       # never touched: the child faults it in too
        push t0                     # in swap: the child's PTE names the same
        lw   a0, PROC_PGDIR(s1)     # slot, which gains a holder; each gets
        mv   a1, s2                 # its own copy when it pages it in
        li   a2, 1
        call walk
        pop  t0
        beqz a0, uvm_share_fail
        push t0
        mv   a1, t0
        call plat_set_pte
        pop  a0
        shri a0, a0, 12
        call swap_dup
        j    uvm_share_ok
uvm_share_present:
        andi t1, t0, PTE_W
        beqz t1, uvm_share_map      # read-only, or copy-on-write already
        xori t0, t0, PTE_W
        ori  t0, t0, PTE_COW
        push t0
        mv   a1, t0
        call plat_set_pte
        mv   a0, s2
        call plat_tlb_inv           # the page was writable: drop that
        pop  t0
uvm_share_map:
        push t0
        shri a0, t0, 12
        shli a0, a0, 12
        call kref
        lw   t0, 0(sp)
        lw   a0, PROC_PGDIR(s1)
        mv   a1, s2
        shri a2, t0, 12
        shli a2, a2, 12
        andi a3, t0, 0xFFF
        call map_page
        pop  t0
        beqz a0, uvm_share_out
        shri a0, t0, 12             # no page table: drop the holder again
        shli a0, a0, 12
        call kfree
uvm_share_fail:
        li   a0, -1
        j    uvm_share_out
uvm_share_ok:
        li   a0, 0
uvm_share_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# cow_fault: a0 = the address a store of the process s0 faulted on. If its
# page is copy-on-write, makes it writable: in place when this process is
# the frame's last holder, else on a fresh copy (the old frame loses a
# holder). Returns a0 = 1 if the store can be retried, 0 if it is a real
# fault, -1 if no memory is left for the copy.
cow_fault:
        push ra
        push s1
        push s2
        li   t0, USER_BASE
        bltu a0, t0, cow_fault_no
        li   t0, USER_STACK_TOP
        bgeu a0, t0, cow_fault_no
        shri s2, a0, 12
        shli s2, s2, 12             # s2 = the page
        lw   a0, PROC_PGDIR(s0)
        mv   a1, s2
        li   a2, 0
        call walk
        beqz a0, cow_fault_no
        mv   s1, a0                 # s1 = the PTE's address
        lw   t0, 0(s1)
        andi t0, t0, PTE_V | PTE_COW
        li   t1, PTE_V | PTE_COW
        bne  t0, t1, cow_fault_no
        lw   a0, 0(s1)
        shri a0, a0, 12
        shli a0, a0, 12             # a0 = the shared frame
        call frame_ref
        lbu  t1, 0(t0)
        li   t2, 1
        bne  t1, t2, cow_fault_copy
        lw   a1, 0(s1)              # the last holder: writable in place
        xori a1, a1, PTE_COW | PTE_W
        mv   a0, s1
        call plat_set_pte
        j    cow_fault_done
cow_fault_copy:
        push a0                     # the shared frame
        call kalloc                 # may sleep, writing a page to swap:
        beqz a0, cow_fault_oom
        lw   t0, 0(s1)              # meanwhile the clock may have sent this
        shri t0, t0, 12             # one to swap (pager-out.s page_out_shared)
        shli t0, t0, 12
        lw   t1, 0(sp)
        bne  t0, t1, cow_fault_moved
        lw   t0, 0(s1)
        andi t0, t0, PTE_V
        beqz t0, cow_fault_moved
        lw   a1, 0(sp)
        lui  t0, KERNEL_BASE >> 16
        or   a1, a1, t0             # the shared frame's kernel address
        li   a2, PAGE_SIZE
        call memcpy                 # keeps a0 = the copy
        lui  t0, KERNEL_BASE >> 16
        sub  a0, a0, t0             # the copy's physical address
        lw   a1, 0(s1)
        andi a1, a1, 0xFFF
        xori a1, a1, PTE_COW | PTE_W
        or   a1, a1, a0
        mv   a0, s1
        call plat_set_pte
        pop  a0
        call kfree                  # the shared frame: one holder less
cow_fault_done:
        mv   a0, s2
        call plat_tlb_inv           # (a paravirtual kernel's queued update
        lw   a0, 0(s1)              # is in the table after it: platform-pv.s)
        call frame_rmap_of          # the page is this process's alone now:
        sw   s1, 0(t0)              # the clock may take it
        sw   s2, 4(t0)
        li   a0, 1
        j    cow_fault_out
cow_fault_oom:
        pop  a0
        li   a0, -1
        j    cow_fault_out
cow_fault_moved:                    # not that frame any more: let the
        call kfree                  # retried store fault on what is there
        pop  a0
        li   a0, 1
        j    cow_fault_out
cow_fault_no:
        li   a0, 0
cow_fault_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# user_range_ok: a0 = virtual address, a1 = length. Returns a0 = 1 if every
# byte lies in user space on a page the current process (s0) may read:
# mapped with U, or in one of its regions (pager.s), not yet resident.
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
        beqz a0, user_range_region
        lw   t0, 0(a0)
        andi t1, t0, PTE_V
        beqz t1, user_range_region
        andi t0, t0, PTE_U
        beqz t0, user_range_bad
user_range_next:
        addi s1, s1, PAGE_SIZE
        j    user_range_loop
user_range_region:
        mv   a0, s1
        call user_region_flags
        bnez a0, user_range_next
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

# user_page_resident: a0 = an address of the process s0 that user_range_ok
# accepted. Makes its page resident (pager.s page_fault, as if the process
# had loaded from it), so that the kernel can read it now. Returns a0 = 1,
# or 0 if no memory could be had for it.
user_page_resident:
        push ra
        push s1
        mv   s1, a0
        lw   a0, PROC_PGDIR(s0)
        mv   a1, s1
        li   a2, 0
        call walk
        beqz a0, user_page_fault
        lw   t0, 0(a0)
        andi t0, t0, PTE_V
        bnez t0, user_page_ok
user_page_fault:
        call plat_lazy_mmu_flush    # what the system call queued: page_fault
        mv   a0, s1                 # reads the tables (platform-pv.s)
        li   a1, CAUSE_PAGE_FAULT_LOAD
        call page_fault
        li   t0, PF_RETRY
        bne  a0, t0, user_page_no
user_page_ok:
        li   a0, 1
        j    user_page_out
user_page_no:
        li   a0, 0
user_page_out:
        pop  s1
        pop  ra
        ret

        .data
        .align 4
kernel_pgdir:   .word 0             # physical address of the kernel's directory
