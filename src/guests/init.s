# init: pid 1, the parent of every program the boot configuration names.
# Like xv6's initcode and Unix's /etc/init it is the one user program the
# kernel starts itself (the loader sets the boot table's BT_INIT); unlike
# them it runs no shell. It forks a child per program, in order, and the
# child becomes that program: exec(path, argv) for one on the disk,
# bootexec(n) for a program of the boot image. Then it waits for every
# child, orphans it inherits included (kernel.s: Unix's reparenting), and
# returns the number of its programs that failed (the kernel killed them,
# for a fault or by kill, or they could not be started); the kernel halts
# with that as its exit code when init has exited. It prints nothing of
# its own unless a program failed.
#
# The loader appends the programs as data (loader.ts initData):
#
#   init_count:     .word N                 N < the kernel's NPROC
#   init_pids:      .space N * 4            the child's pid for each
#   init_programs:  N entries of INIT_ENTRY bytes:
#                   +0 name   the path on the disk, or the program's name
#                   +4 argv   string pointers ending in 0 (a disk program)
#                   +8 image  its boot-table entry, 0 for one on the disk
#                             (entry 0 is init itself)

        .equ INIT_NAME,       0
        .equ INIT_ARGV,       4
        .equ INIT_IMAGE,      8
        .equ INIT_ENTRY,      12
        .equ KILLED,          -1            # the status of a killed process

        .text
main:
        push ra
        push s0
        push s1
        push s2
        la   s0, init_programs      # s0 = the next program
        li   s1, 0                  # s1 = programs started
        li   s2, 0                  # s2 = programs failed
init_start:
        la   t0, init_count
        lw   t0, 0(t0)
        bgeu s1, t0, init_wait
        call fork
        beqz a0, init_child
        la   t0, init_pids
        shli t1, s1, 2
        add  t0, t0, t1
        sw   a0, 0(t0)              # -1 when no child was made
        bge  a0, zero, init_started
        addi s2, s2, 1
        la   a0, init_cannot_fork
        call print
        lw   a0, INIT_NAME(s0)
        call print
        la   a0, init_newline
        call print
init_started:
        addi s0, s0, INIT_ENTRY
        addi s1, s1, 1
        j    init_start

# A child: becomes the program s0 names; if that fails it says so and
# kills itself, so that it is counted among the failed.
init_child:
        lw   a0, INIT_IMAGE(s0)
        bnez a0, init_child_image
        lw   a0, INIT_NAME(s0)
        lw   a1, INIT_ARGV(s0)
        call exec
        la   s1, init_not_on_disk
        j    init_child_failed
init_child_image:
        call bootexec
        la   s1, init_no_memory
init_child_failed:
        la   a0, init_cannot_exec
        call print
        lw   a0, INIT_NAME(s0)
        call print
        mv   a0, s1
        call print
        call getpid
        call kill

# Reaps every child; one killed that init started counts as failed.
init_wait:
        call wait
        blt  a0, zero, init_done    # no child is left
        li   t0, KILLED
        bne  a1, t0, init_wait
        la   t0, init_pids
        shli t1, s1, 2
        add  t1, t0, t1             # t1 = the end of init_pids
init_find:
        beq  t0, t1, init_wait      # an orphan it inherited
        lw   t2, 0(t0)
        addi t0, t0, 4
        bne  t2, a0, init_find
        addi s2, s2, 1
        j    init_wait
init_done:
        beqz s2, init_out
        la   a0, init_prefix
        call print
        mv   a0, s2
        call print_dec
        la   a0, init_of
        call print
        mv   a0, s1
        call print_dec
        la   a0, init_failed
        call print
init_out:
        mv   a0, s2                 # ulib's _start exits with it
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

# bootexec(n): runs entry n of the boot table in this process (kernel
# exec.s sys_bootexec); returns only if it could not (-1).
bootexec:
        mv   a1, a0
        li   a0, SYS_BOOTEXEC
        sys
        ret

        .data
init_cannot_fork:   .asciz "[init] cannot fork for "
init_cannot_exec:   .asciz "[init] cannot exec "
init_not_on_disk:   .asciz ": no such executable on the disk\n"
init_no_memory:     .asciz ": no memory for it\n"
init_prefix:        .asciz "[init] "
init_of:            .asciz " of "
init_failed:        .asciz " programs failed\n"
init_newline:       .asciz "\n"
