# kernel-pv: the paravirtual variant of toy32's kernel. It knows it runs on
# vmlab's hypervisor and never executes a privileged instruction: where
# kernel.s writes a CSR, returns with rett or prints through the console
# register, this kernel makes a hypercall (src/hypervisor/hypercalls.ts;
# Barham et al. 2003, "Xen and the Art of Virtualization", section 3):
#
#   kernel.s                         kernel-pv.s
#   csrw TVEC, trap_vector           SET_TRAP_TABLE (handlers, trap frame)
#   sw PTE (+ tlbinv)                MMU_UPDATE: a validated batch
#   csrw PTBR; csrw STATUS (PG)      SET_PAGE_TABLE
#   csrw TIMER                       SET_TIMER
#   pushf/popf around sections       EVENT_MASK / EVENT_UNMASK
#   csrr CAUSE/EPC, rett             the trap frame in memory, IRET
#   sb to CONSOLE_TX                 CONSOLE_WRITE (a whole buffer at once)
#   halt                             SHUTDOWN
#
#   csrr CYCLE                       GET_TIME
#   wfi (idle until the timer)       BLOCK
#
# It is smaller than kernel.s: it boots the boot table's programs one after
# another (no preemptive multitasking; a timer tick is taken and returned
# from), with system calls exit, write, getpid, yield (YIELD gives the CPU
# to another VM), putc, uptime and sleep (BLOCK until the clock has passed
# the deadline); sbrk returns -1. Memory: the loader's
# layout (BOOT_TABLE at 0x10000, programs after it, free pages from
# BT_FREE to BT_MEM_TOP); each program's image is mapped in place at
# USER_BASE, with one stack page at 0x7FFFF000.
#
# Trap frame (registered with SET_TRAP_TABLE; written by the hypervisor at
# every trap; IRET returns to F_EPC in user mode with events on, a0 = F_A0):
#   +0 F_CAUSE   +4 F_EPC   +8 F_BADVA   +12 F_A0

        .equ HC_SET_TRAP_TABLE, 0
        .equ HC_MMU_UPDATE,     1
        .equ HC_YIELD,          2
        .equ HC_CONSOLE_WRITE,  4
        .equ HC_EVENT_MASK,     5
        .equ HC_EVENT_UNMASK,   6
        .equ HC_SET_TIMER,      7
        .equ HC_IRET,           8
        .equ HC_SHUTDOWN,       9
        .equ HC_SET_PAGE_TABLE, 10
        .equ HC_GET_TIME,       11
        .equ HC_BLOCK,          3

        .equ BOOT_TABLE,        0x00010000
        .equ BT_COUNT,          4
        .equ BT_TIMER,          8
        .equ BT_MEM_TOP,        12
        .equ BT_FREE,           16
        .equ BT_ENTRIES,        32
        .equ BTE_PHYS,          0
        .equ BTE_LENGTH,        4
        .equ BTE_ENTRY,         8

        .equ USER_BASE,         0x40000000
        .equ USER_STACK_PAGE,   0x7FFFF000
        .equ USER_STACK_TOP,    0x80000000
        .equ PAGE_SIZE,         4096
        .equ PTE_V,             1
        .equ PTE_W,             2
        .equ PTE_U,             4
        .equ PTE_X,             8
        .equ BATCH_MAX,         256

        .equ F_CAUSE,           0
        .equ F_EPC,             4
        .equ F_BADVA,           8
        .equ F_A0,              12
        .equ CAUSE_SYSCALL,     1
        .equ CAUSE_TIMER,       16

        .text
_start:
        la   sp, kstack_top
        li   a0, HC_EVENT_MASK      # no events while the kernel boots
        hcall
        li   a0, HC_SET_TRAP_TABLE
        la   a1, trap_table
        li   a2, 1
        la   a3, trap_frame
        hcall
        li   s0, BOOT_TABLE
        lw   t0, BT_FREE(s0)
        la   t1, free_next
        sw   t0, 0(t1)
        lw   t0, BT_MEM_TOP(s0)
        la   t1, mem_top
        sw   t0, 0(t1)
        li   a0, HC_SET_TIMER
        lw   a1, BT_TIMER(s0)
        hcall
        # Events stay masked in the kernel: IRET unmasks them as it enters
        # user mode, and every trap masks them again.

# start_next: runs the next program of the boot table, or shuts down.
start_next:
        la   sp, kstack_top
        li   s0, BOOT_TABLE
        la   t0, next_prog
        lw   s1, 0(t0)
        lw   t1, BT_COUNT(s0)
        bgeu s1, t1, all_done
        addi t2, s1, 1
        sw   t2, 0(t0)
        la   t0, cur_pid
        sw   t2, 0(t0)
        shli t0, s1, 4
        add  s2, s0, t0
        addi s2, s2, BT_ENTRIES     # s2 = the program's boot-table entry
        call build_space
        li   t0, USER_BASE
        lw   t1, BTE_LENGTH(s2)
        add  t0, t0, t1
        la   t1, cur_image_end
        sw   t0, 0(t1)
        la   k0, trap_frame
        lw   t0, BTE_ENTRY(s2)
        sw   t0, F_EPC(k0)
        sw   zero, F_A0(k0)
        li   sp, USER_STACK_TOP
        li   a0, HC_IRET            # "return" to user mode at the entry
        hcall

all_done:
        li   a0, HC_SHUTDOWN
        li   a1, 0
        hcall

# build_space: s2 = boot-table entry. A fresh page directory mapping the
# kernel's memory (identity, kernel only), the program's image at
# USER_BASE and a stack page; installed with SET_PAGE_TABLE.
build_space:
        push ra
        push s1
        call kalloc
        la   t0, cur_dir
        sw   a0, 0(t0)
        li   s1, 0
bs_kernel:
        la   t0, mem_top
        lw   t0, 0(t0)
        bgeu s1, t0, bs_image
        mv   a0, s1
        ori  a1, s1, PTE_V | PTE_W | PTE_X
        call map
        li   t0, PAGE_SIZE
        add  s1, s1, t0
        j    bs_kernel
bs_image:
        li   s1, 0
bs_image_loop:
        lw   t0, BTE_LENGTH(s2)
        bgeu s1, t0, bs_stack
        li   a0, USER_BASE
        add  a0, a0, s1
        lw   a1, BTE_PHYS(s2)
        add  a1, a1, s1
        ori  a1, a1, PTE_V | PTE_W | PTE_U | PTE_X
        call map
        li   t0, PAGE_SIZE
        add  s1, s1, t0
        j    bs_image_loop
bs_stack:
        call kalloc
        ori  a1, a0, PTE_V | PTE_W | PTE_U
        li   a0, USER_STACK_PAGE
        call map
        call flush
        li   a0, HC_SET_PAGE_TABLE
        la   t0, cur_dir
        lw   a1, 0(t0)
        hcall
        pop  s1
        pop  ra
        ret

# map: a0 = virtual address, a1 = PTE value. Page-table entries are queued
# and applied in batches by MMU_UPDATE; a new page table's directory entry
# is applied at once, so the next map finds it.
map:
        push ra
        push s0
        push s1
        mv   s0, a0
        mv   s1, a1
        la   t0, cur_dir
        lw   t0, 0(t0)
        shri t1, s0, 22
        shli t1, t1, 2
        add  t1, t0, t1             # t1 = the directory slot
        lw   t2, 0(t1)
        andi t3, t2, PTE_V
        bnez t3, map_have_table
        push t1
        call kalloc
        pop  t1
        la   t3, dir_request
        sw   t1, 0(t3)
        ori  t2, a0, PTE_V
        sw   t2, 4(t3)
        li   a0, HC_MMU_UPDATE
        mv   a1, t3
        li   a2, 1
        hcall
map_have_table:
        shri t2, t2, 12
        shli t2, t2, 12             # t2 = the page table
        shri t1, s0, 12
        andi t1, t1, 0x3ff
        shli t1, t1, 2
        add  t1, t2, t1             # t1 = the PTE's address
        la   t3, batch_count
        lw   t4, 0(t3)
        shli t0, t4, 3
        la   t2, batch
        add  t0, t2, t0
        sw   t1, 0(t0)
        sw   s1, 4(t0)
        addi t4, t4, 1
        sw   t4, 0(t3)
        li   t0, BATCH_MAX
        bltu t4, t0, map_out
        call flush
map_out:
        pop  s1
        pop  s0
        pop  ra
        ret

# flush: applies the queued page-table updates with one hypercall.
flush:
        la   t3, batch_count
        lw   a2, 0(t3)
        beqz a2, flush_out
        sw   zero, 0(t3)
        li   a0, HC_MMU_UPDATE
        la   a1, batch
        hcall
flush_out:
        ret

# kalloc: a0 = a fresh zeroed page (clobbers t0, t1); shuts down when out.
kalloc:
        la   t0, free_next
        lw   a0, 0(t0)
        la   t1, mem_top
        lw   t1, 0(t1)
        bgeu a0, t1, out_of_memory
        li   t1, PAGE_SIZE
        add  t1, a0, t1
        sw   t1, 0(t0)
        mv   t0, a0
kalloc_zero:
        sw   zero, 0(t0)
        addi t0, t0, 4
        bne  t0, t1, kalloc_zero
        ret
out_of_memory:
        li   a0, HC_SHUTDOWN
        li   a1, 255
        hcall

# pv_trap: every trap and event of a user process comes here, in kernel
# mode with events masked; the frame says what happened. k0 is free.
        .align 4
pv_trap:
        la   k0, trap_save
        sw   a1, 0(k0)
        sw   a2, 4(k0)
        sw   a3, 8(k0)
        sw   t0, 12(k0)
        sw   t1, 16(k0)
        sw   t2, 20(k0)
        sw   t3, 24(k0)
        sw   t4, 28(k0)
        sw   s0, 32(k0)
        sw   s1, 36(k0)
        sw   s2, 40(k0)
        sw   sp, 44(k0)
        sw   ra, 48(k0)
        la   sp, kstack_top
        la   s0, trap_frame
        lw   t0, F_CAUSE(s0)
        li   t1, CAUSE_SYSCALL
        beq  t0, t1, pv_syscall
        li   t1, CAUSE_TIMER
        bgeu t0, t1, pv_return      # an event: nothing to do but return
        la   a1, msg_killed         # a fault: the process is killed
        li   a2, msg_killed_end - msg_killed
        li   a0, HC_CONSOLE_WRITE
        hcall
        j    start_next

pv_syscall:
        lw   t0, F_EPC(s0)
        addi t0, t0, 4              # return after the `sys`
        sw   t0, F_EPC(s0)
        lw   t0, F_A0(s0)           # the call number; a1..a3 are the arguments
        li   t1, 1
        beq  t0, t1, sys_exit
        li   t1, 2
        beq  t0, t1, sys_write
        li   t1, 3
        beq  t0, t1, sys_getpid
        li   t1, 4
        beq  t0, t1, sys_yield
        li   t1, 6
        beq  t0, t1, sys_putc
        li   t1, 7
        beq  t0, t1, sys_uptime
        li   t1, 8
        beq  t0, t1, sys_sleep
        li   a0, -1
        j    pv_result

sys_uptime:
        li   a0, HC_GET_TIME
        hcall
        j    pv_result

# sys_sleep: a1 = cycles. BLOCK until the clock passes the deadline (each
# BLOCK sleeps to the next timer event); -1 if the timer is off.
sys_sleep:
        li   t0, BOOT_TABLE
        lw   t0, BT_TIMER(t0)
        bnez t0, sys_sleep_start
        li   a0, -1
        j    pv_result
sys_sleep_start:
        li   a0, HC_GET_TIME
        hcall
        add  s1, a0, a1             # s1 = the deadline
sys_sleep_wait:
        li   a0, HC_BLOCK
        hcall
        li   a0, HC_GET_TIME
        hcall
        blt  a0, s1, sys_sleep_wait
        li   a0, 0
        j    pv_result

sys_exit:
        j    start_next

sys_getpid:
        la   t0, cur_pid
        lw   a0, 0(t0)
        j    pv_result

sys_yield:
        li   a0, HC_YIELD
        hcall
        li   a0, 0
        j    pv_result

sys_putc:
        la   t0, console_buffer
        sb   a1, 0(t0)
        mv   a1, t0
        li   a2, 1
        li   a0, HC_CONSOLE_WRITE
        hcall
        li   a0, 0
        j    pv_result

# sys_write: a1 = fd (1 or 2), a2 = user buffer, a3 = length. Copied
# into the kernel's console buffer and written a buffer at a time.
sys_write:
        li   t0, 1
        beq  a1, t0, sys_write_ok
        li   t0, 2
        beq  a1, t0, sys_write_ok
        li   a0, -1
        j    pv_result
sys_write_ok:
        # The buffer must lie in the program's image or its stack page: the
        # kernel must not fault on a user's pointer (or read its own memory
        # for the user).
        blt  a3, zero, sys_write_bad
        add  t0, a2, a3             # t0 = end
        bltu t0, a2, sys_write_bad
        li   t1, USER_BASE
        bltu a2, t1, sys_write_bad
        la   t2, cur_image_end
        lw   t2, 0(t2)
        bgeu t2, t0, sys_write_copy_all
        li   t1, USER_STACK_PAGE
        bltu a2, t1, sys_write_bad
        li   t2, USER_STACK_TOP
        bltu t2, t0, sys_write_bad
        j    sys_write_copy_all
sys_write_bad:
        li   a0, -1
        j    pv_result
sys_write_copy_all:
        mv   s1, a2                 # s1 = next user byte
        add  s2, a2, a3             # s2 = end
sys_write_chunk:
        bgeu s1, s2, sys_write_done
        la   t0, console_buffer
        li   t1, 0                  # bytes in this chunk
sys_write_copy:
        bgeu s1, s2, sys_write_out
        li   t2, BATCH_MAX
        bgeu t1, t2, sys_write_out
        lbu  t2, 0(s1)
        add  t3, t0, t1
        sb   t2, 0(t3)
        addi s1, s1, 1
        addi t1, t1, 1
        j    sys_write_copy
sys_write_out:
        li   a0, HC_CONSOLE_WRITE
        mv   a1, t0
        mv   a2, t1
        hcall
        j    sys_write_chunk
sys_write_done:
        la   k0, trap_save
        lw   a0, 8(k0)              # the length asked for
        j    pv_result

pv_result:
        sw   a0, F_A0(s0)
pv_return:
        la   k0, trap_save
        lw   a1, 0(k0)
        lw   a2, 4(k0)
        lw   a3, 8(k0)
        lw   t0, 12(k0)
        lw   t1, 16(k0)
        lw   t2, 20(k0)
        lw   t3, 24(k0)
        lw   t4, 28(k0)
        lw   s0, 32(k0)
        lw   s1, 36(k0)
        lw   s2, 40(k0)
        lw   sp, 44(k0)
        lw   ra, 48(k0)
        li   a0, HC_IRET
        hcall

        .data
        .align 4
trap_table:     .word 0, pv_trap    # cause 0: the handler for every cause
trap_frame:     .space 16
trap_save:      .space 64
free_next:      .word 0
mem_top:        .word 0
next_prog:      .word 0
cur_pid:        .word 0
cur_dir:        .word 0
cur_image_end:  .word 0
batch_count:    .word 0
dir_request:    .space 8
msg_killed:     .ascii "[kernel-pv] process killed\n"
msg_killed_end:
        .align 4
batch:          .space 2048
console_buffer: .space 256
kstack:         .space 1024
kstack_top:
