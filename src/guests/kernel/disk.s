# disk.s: the disk driver, driven by the DISK interrupt (17), in the shape
# of xv6's ide.c / virtio_disk.c: disk_rw starts a request and sleeps the
# caller (kernel/sleep.s); the interrupt's handler, disk_intr, reads the
# request's status once, acknowledges it and wakes the sleeper. No loop
# ever polls the device: while the request is in flight the scheduler runs
# other processes, or idles (plat_idle) until the interrupt.
#
# The device is reached through the platform (Linux's pv_ops):
#   plat_disk_start(a0 = block, a1 = buffer, a2 = 0 read / 1 write)
#                       -> a0 = 0 started (the interrupt will come), -1 refused
#   plat_disk_status    -> a0 = 0 the request is done, -1 it failed; acknowledges
#   plat_disk_blocks    -> a0 = the disk's size in 1024-byte blocks
# native: toy32's DMA disk by MMIO at 0xFFFF1000 (src/machine/devices/disk.ts);
# paravirtual: the DISK_START / DISK_STATUS / DISK_INFO hypercalls.
#
# One request is in flight at a time; a process that finds the disk busy
# sleeps on disk_busy until it is free. The kernel is not preempted and
# runs with interrupts masked, so a test of disk_done followed by ksleep
# cannot miss the interrupt.

        .equ BSIZE,           1024

        .text
# disk_rw: a0 = block number (1024-byte blocks), a1 = the kernel address
# of a 1024-byte buffer (the driver gives the device its physical address:
# kernel addresses are physical + KERNEL_BASE), a2 = 0 read / 1 write. Returns a0 = 0, or -1
# when the disk refused or failed the request (a block past its end, no
# disk). Sleeps the caller until the request is done; keeps s0..s2.
disk_rw:
        push ra
        push s0
        push s1
        push s2
        mv   s0, a0
        mv   s1, a1
        mv   s2, a2
disk_rw_wait:
        la   t0, disk_busy
        lw   t1, 0(t0)
        beqz t1, disk_rw_start
        mv   a0, t0
        call ksleep                 # another request is in flight
        j    disk_rw_wait
disk_rw_start:
        li   t1, 1
        sw   t1, 0(t0)
        la   t0, disk_done
        sw   zero, 0(t0)
        mv   a0, s0
        lui  t0, KERNEL_BASE >> 16
        sub  a1, s1, t0             # DMA takes a physical address
        mv   a2, s2
        call plat_disk_start
        li   s0, -1
        bnez a0, disk_rw_free       # refused: no interrupt will come
disk_rw_sleep:
        la   a0, disk_done
        lw   t1, 0(a0)
        bnez t1, disk_rw_finished
        call ksleep                 # until disk_intr
        j    disk_rw_sleep
disk_rw_finished:
        la   t0, disk_result
        lw   s0, 0(t0)
disk_rw_free:
        la   t0, disk_busy
        sw   zero, 0(t0)
        mv   a0, t0
        call wakeup                 # the next request may go
        mv   a0, s0
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# disk_intr: the DISK interrupt's handler (trap.s from user mode; the
# scheduler's idle loop for one taken in plat_idle). Reads the status of
# the request in flight, acknowledges it and wakes its sleeper. An
# interrupt with no request in flight is only acknowledged.
# Clobbers a0..a3, t0..t4.
disk_intr:
        push ra
        call plat_disk_status
        la   t0, disk_busy
        lw   t1, 0(t0)
        beqz t1, disk_intr_out
        la   t0, disk_result
        sw   a0, 0(t0)
        la   a0, disk_done
        li   t1, 1
        sw   t1, 0(a0)
        call wakeup
disk_intr_out:
        pop  ra
        ret

        .data
        .align 4
disk_busy:      .word 0             # 1 while a request is in flight
disk_done:      .word 0             # set by disk_intr when it is over
disk_result:    .word 0             # its status: 0 done, -1 error
