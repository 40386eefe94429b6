# ns-syscall.s: namespaces (namespaces(7)): the system calls 21..40, the
# per-process namespace record, and the switch that turns the
# namespace-aware exit, getpid, fork, wait and kill on.
#
# Every namespace file (ns-*.s) is assembled after the rest of the kernel
# and puts its code and data in .data, so that nothing the kernel had
# before moves: the addresses, the pages the kernel touches and so the
# cycles of every program that uses no namespace stay what they were.
#
# "A namespace wraps a global system resource in an abstraction that makes
# it appear to the processes within the namespace that they have their own
# isolated instance of the global resource." (namespaces(7)). Here: pid
# (ns-pid.s), uts (ns-uts.s) and user (ns-user.s).
#
# System calls (a0 = number; trap.s sends every number the table in
# syscall.s does not have to ns_syscall):
#
#  21 clone(flags) -> fork, the child in new namespaces (clone(2)'s flags
#       below); the child's pid as the caller sees it, 0 in the child, -1
#  22 unshare(flags) -> 0 or -1: the caller into new uts/user namespaces;
#       CLONE_NEWPID puts its next child, not itself, in a new pid
#       namespace (unshare(2))
#  23 sethostname(buf, len) -> 0 or -1   24 gethostname(buf, len) -> length
#  25 getuid() -> uid in its user namespace   26 setuid(uid) -> 0 or -1
#  27 cg_create  28 cg_attach  29 cg_set  30 cg_get: resource groups
#       (ns-cgroup.s)
#  31..40: -1 (reserved for containers)
#
# Zero cost until used (Linux's static keys patch a branch in when a
# feature is first enabled): the first clone, unshare or setuid writes the
# namespace-aware handlers into syscall.s's table (ns_activate); until then
# the kernel runs exactly the code it ran before this file existed.
#
# Per-process record (ns_procs, NSP_SIZE = 32 bytes, by process-table slot;
# all zero: the root namespaces, uid 0):
#
#   +0  PIDNS    its pid namespace (0: the root one; the real pids)
#   +4  VPID     its pid inside PIDNS (unused in the root one)
#   +8  CHILDNS  the pid namespace its children are born in (unshare)
#   +12 UTSNS    its uts namespace (0: the host's, uts_host)
#   +16 USERNS   its user namespace's number (0: the root one)
#   +20 UID      its uid inside USERNS
#   +24 OUTUID   that uid as the root user namespace sees it
#   +28 CGROUP   its resource group (0: the root group; ns-cgroup.s)

        .equ CLONE_NEWNS,     0x00020000    # clone(2)'s flag values (linux/sched.h)
        .equ CLONE_NEWUTS,    0x04000000
        .equ CLONE_NEWIPC,    0x08000000
        .equ CLONE_NEWUSER,   0x10000000
        .equ CLONE_NEWPID,    0x20000000
        .equ CLONE_NEWNET,    0x40000000
        .equ NS_SUPPORTED,    CLONE_NEWUTS | CLONE_NEWUSER | CLONE_NEWPID

        .equ NS_FIRST_SYSCALL, 21
        .equ NS_NSYSCALLS,    20            # 21..40

        .equ NSP_PIDNS,       0
        .equ NSP_VPID,        4
        .equ NSP_CHILDNS,     8
        .equ NSP_UTSNS,       12
        .equ NSP_USERNS,      16
        .equ NSP_UID,         20
        .equ NSP_OUTUID,      24
        .equ NSP_CGROUP,      28
        .equ NSP_SIZE,        32            # PROC_SIZE / 4: a slot's offset >> 2

        .equ SYSCALLS_EXIT,   1 * 4         # syscalls[]'s entries the namespaces
        .equ SYSCALLS_GETPID, 3 * 4         # wrap (syscall.s)
        .equ SYSCALLS_FORK,   9 * 4
        .equ SYSCALLS_WAIT,   10 * 4
        .equ SYSCALLS_KILL,   11 * 4

        .data
        .align 4
# ns_syscall: from trap_syscall_bad, a0 = a number syscalls[] lacks, a1..a3
# its arguments, s0 = the process: runs ns_syscalls[a0 - 21], or -1.
ns_syscall:
        addi t0, a0, -NS_FIRST_SYSCALL
        li   t1, NS_NSYSCALLS
        bgeu t0, t1, ns_syscall_bad
        shli t0, t0, 2
        la   t1, ns_syscalls
        add  t1, t1, t0
        lw   t1, 0(t1)
        mv   a0, a1
        mv   a1, a2
        mv   a2, a3
        jalr ra, t1, 0
        j    trap_syscall_return
ns_syscall_bad:
        li   a0, -1
        j    trap_syscall_return

# ns_proc_record: a0 = a process entry. Returns a0 = its namespace record.
# Clobbers t0.
ns_proc_record:
        la   t0, proc_table
        sub  a0, a0, t0
        shri a0, a0, 2              # slot * PROC_SIZE / 4 = slot * NSP_SIZE
        la   t0, ns_procs
        add  a0, a0, t0
        ret

# ns_activate: writes the namespace-aware handlers into syscalls[] (once).
# Clobbers t0, t1.
ns_activate:
        la   t0, ns_active
        lw   t1, 0(t0)
        bnez t1, ns_activate_out
        li   t1, 1
        sw   t1, 0(t0)
        la   t0, syscalls
        la   t1, ns_exit
        sw   t1, SYSCALLS_EXIT(t0)
        la   t1, ns_getpid
        sw   t1, SYSCALLS_GETPID(t0)
        la   t1, ns_fork
        sw   t1, SYSCALLS_FORK(t0)
        la   t1, ns_wait
        sw   t1, SYSCALLS_WAIT(t0)
        la   t1, ns_kill
        sw   t1, SYSCALLS_KILL(t0)
ns_activate_out:
        ret

# ns_live: a0 = a process entry. Returns a0 = 1 if it is alive (runnable,
# sleeping, waiting, blocked or forking), 0 if unused, exited or exiting.
# Clobbers t0.
ns_live:
        lw   t0, PROC_STATE(a0)
        li   a0, 0
        beqz t0, ns_live_out
        li   a0, P_EXITED
        beq  t0, a0, ns_live_no
        li   a0, P_EXITING
        beq  t0, a0, ns_live_no
        li   a0, 1
        ret
ns_live_no:
        li   a0, 0
ns_live_out:
        ret

# ns_in_use: a0 = a namespace record, a1 and a2 = two offsets in the
# per-process record. Returns a0 = 1 if a live process holds it at either,
# else 0 (the namespace is free: Linux frees one when its last reference
# goes). Keeps s0..s2.
ns_in_use:
        push ra
        push s1
        addi sp, sp, -12
        sw   a0, 0(sp)
        sw   a1, 4(sp)
        sw   a2, 8(sp)
        la   s1, proc_table
ns_in_use_loop:
        mv   a0, s1
        call ns_live
        beqz a0, ns_in_use_next
        mv   a0, s1
        call ns_proc_record
        lw   t1, 0(sp)
        lw   t0, 4(sp)
        add  t0, a0, t0
        lw   t0, 0(t0)
        beq  t0, t1, ns_in_use_yes
        lw   t0, 8(sp)
        add  t0, a0, t0
        lw   t0, 0(t0)
        beq  t0, t1, ns_in_use_yes
ns_in_use_next:
        addi s1, s1, PROC_SIZE
        la   t0, proc_table + NPROC * PROC_SIZE
        bne  s1, t0, ns_in_use_loop
        li   a0, 0
        j    ns_in_use_out
ns_in_use_yes:
        li   a0, 1
ns_in_use_out:
        addi sp, sp, 12
        pop  s1
        pop  ra
        ret

ns_syscalls:                        # 21..40
        .word ns_clone              # 21 (ns-pid.s)
        .word ns_unshare            # 22
        .word ns_sethostname        # 23 (ns-uts.s)
        .word ns_gethostname        # 24
        .word ns_getuid             # 25 (ns-user.s)
        .word ns_setuid             # 26
        .word ns_cg_create          # 27 (ns-cgroup.s)
        .word ns_cg_attach          # 28
        .word ns_cg_set             # 29
        .word ns_cg_get             # 30
        .word sys_none              # 31
        .word sys_none, sys_none, sys_none, sys_none, sys_none   # 32..36
        .word sys_none, sys_none, sys_none, sys_none             # 37..40

ns_active:      .word 0             # 1 once ns_activate has patched syscalls[]
ns_procs:       .space NPROC * NSP_SIZE
