# ns-pid.s: pid namespaces (pid_namespaces(7)), and clone and unshare.
#
# "PID namespaces isolate the process ID number space, meaning that
# processes in different PID namespaces can have the same PID." The first
# process born in a new namespace is its pid 1, its init: "the parent of
# any child processes that are orphaned", and "if the init process of a PID
# namespace terminates, the kernel terminates all of the processes in the
# namespace via a SIGKILL signal". A process sees the pids of its own
# namespace; the root namespace sees every process by its real pid
# (PROC_PID). One level: a process inside a pid namespace cannot make
# another.
#
# Where it hooks in (ns_activate): getpid, fork, wait and kill translate
# pids; exit and kill first do what a namespace asks of a dying process
# (ns_before_exit). A process killed for a fault (trap.s) skips that step:
# its orphans go to the kernel's init, as without namespaces.
#
# Pid namespace record (pidns_table, PIDNS_SIZE bytes, NPIDNS of them; a
# record is free again once no live process is in it or has it as CHILDNS):
#
#   +0 (reserved)
#   +4 INIT   its init's process entry; 0 before its first process is
#             born, -1 once init has died (no process is born there again)
#   +8 NEXT   the pid the next process born there gets

        .equ PIDNS_INIT,      4
        .equ PIDNS_NEXT,      8
        .equ PIDNS_SIZE,      16
        .equ NPIDNS,          16

        .data
        .align 4
# ns_getpid(): the caller's pid in its own pid namespace.
ns_getpid:
        push ra
        mv   a0, s0
        call ns_proc_record
        lw   t0, NSP_PIDNS(a0)
        lw   a0, NSP_VPID(a0)
        bnez t0, ns_getpid_out
        lw   a0, PROC_PID(s0)
ns_getpid_out:
        pop  ra
        ret

# ns_entry_of_pid: a0 = a real pid. Returns a0 = the table entry that holds
# it (live, exited or just reaped: pids are never reused), or 0.
# Clobbers t0, t1.
ns_entry_of_pid:
        mv   t1, a0
        la   a0, proc_table
ns_entry_of_pid_loop:
        lw   t0, PROC_PID(a0)
        beq  t0, t1, ns_entry_of_pid_out
        addi a0, a0, PROC_SIZE
        la   t0, proc_table + NPROC * PROC_SIZE
        bne  a0, t0, ns_entry_of_pid_loop
        li   a0, 0
ns_entry_of_pid_out:
        ret

# ns_member_of_vpid: a0 = a pid namespace, a1 = a pid inside it. Returns
# a0 = the live process that has it there, or 0. Keeps s0..s2.
ns_member_of_vpid:
        push ra
        push s1
        push s2
        addi sp, sp, -8
        sw   a0, 0(sp)              # the namespace
        sw   a1, 4(sp)              # the pid
        la   s1, proc_table
ns_member_loop:
        mv   a0, s1
        call ns_live
        beqz a0, ns_member_next
        mv   a0, s1
        call ns_proc_record
        lw   t0, NSP_PIDNS(a0)
        lw   t1, 0(sp)
        bne  t0, t1, ns_member_next
        lw   t0, NSP_VPID(a0)
        lw   t1, 4(sp)
        beq  t0, t1, ns_member_found
ns_member_next:
        addi s1, s1, PROC_SIZE
        la   t0, proc_table + NPROC * PROC_SIZE
        bne  s1, t0, ns_member_loop
        li   s1, 0
ns_member_found:
        mv   a0, s1
        addi sp, sp, 8
        pop  s2
        pop  s1
        pop  ra
        ret

# ns_pid_alloc: returns a0 = a new pid namespace, or 0 if all NPIDNS are
# in use (some live process is in it, or will bear children there).
# Keeps s0..s2.
ns_pid_alloc:
        push ra
        push s1
        la   s1, pidns_table
ns_pid_alloc_loop:
        mv   a0, s1
        li   a1, NSP_PIDNS
        li   a2, NSP_CHILDNS
        call ns_in_use
        beqz a0, ns_pid_alloc_found
        addi s1, s1, PIDNS_SIZE
        la   t0, pidns_table + NPIDNS * PIDNS_SIZE
        bne  s1, t0, ns_pid_alloc_loop
        li   a0, 0
        j    ns_pid_alloc_out
ns_pid_alloc_found:
        mv   a0, s1
        sw   zero, PIDNS_INIT(a0)
        li   t0, 1
        sw   t0, PIDNS_NEXT(a0)     # its first process is pid 1
ns_pid_alloc_out:
        pop  s1
        pop  ra
        ret

# ns_fork(): fork (syscall.s sys_fork), the child in the namespaces of its
# parent's record, born in the parent's CHILDNS with the next pid there
# (its init if it is the first), in its parent's resource group. Returns
# the child's pid as the parent sees it, or -1 (also when CHILDNS's init
# has died, or the group's pids.max is reached).
ns_fork:
        push ra
        push s1
        push s2
        mv   a0, s0
        call ns_proc_record
        mv   s2, a0                 # s2 = the parent's record
        lw   t0, NSP_CHILDNS(s2)
        beqz t0, ns_fork_group
        lw   t0, PIDNS_INIT(t0)
        li   t1, -1
        beq  t0, t1, ns_fork_bad
ns_fork_group:
        mv   a0, s2
        call ns_cgroup_may_fork     # its group's pids.max (ns-cgroup.s)
        beqz a0, ns_fork_bad
        call sys_fork
        blt  a0, zero, ns_fork_out
        push a0                     # the child's real pid
        call ns_entry_of_pid
        mv   s1, a0                 # s1 = the child
        call ns_proc_record
        push a0                     # its record
        mv   a1, s2
        li   a2, NSP_SIZE
        call memcpy                 # every namespace and uid of its parent
        pop  a1                     # a1 = the child's record
        lw   t0, NSP_CHILDNS(a1)
        sw   t0, NSP_PIDNS(a1)
        beqz t0, ns_fork_seen
        lw   t1, PIDNS_NEXT(t0)
        sw   t1, NSP_VPID(a1)
        addi t1, t1, 1
        sw   t1, PIDNS_NEXT(t0)
        lw   t1, PIDNS_INIT(t0)
        bnez t1, ns_fork_seen
        sw   s1, PIDNS_INIT(t0)     # the first one born there: its init
ns_fork_seen:
        pop  a0                     # the real pid, what the root namespace
        lw   t0, NSP_PIDNS(s2)      # sees; a parent inside a namespace sees
        beqz t0, ns_fork_out        # its child's pid there
        lw   a0, NSP_VPID(a1)
        j    ns_fork_out
ns_fork_bad:
        li   a0, -1
ns_fork_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# ns_wait(): wait (sys_wait), the reaped child's pid as the caller sees it.
ns_wait:
        push ra
        call sys_wait               # while children live it sleeps and the
        blt  a0, zero, ns_wait_out  # call runs again from the start
        push a0
        mv   a0, s0
        call ns_proc_record
        lw   t0, NSP_PIDNS(a0)
        pop  a0
        beqz t0, ns_wait_out
        call ns_entry_of_pid
        call ns_proc_record
        lw   a0, NSP_VPID(a0)
ns_wait_out:
        pop  ra
        ret

# ns_kill(pid): kill (sys_kill) of the process the caller calls pid. From
# inside a pid namespace only its members can be named, and its init not
# at all: "only signals for which the init process has established a
# signal handler can be sent to the init process by other members of the
# namespace" (pid_namespaces(7)), and toy32's kill cannot be handled.
# -1 for a pid the caller cannot see.
ns_kill:
        push ra
        push s1
        push s2
        mv   s2, a0                 # s2 = the pid as the caller names it
        mv   a0, s0
        call ns_proc_record
        lw   s1, NSP_PIDNS(a0)      # s1 = the caller's pid namespace
        beqz s1, ns_kill_root
        li   t0, 1
        beq  s2, t0, ns_kill_bad    # its own init
        mv   a0, s1
        mv   a1, s2
        call ns_member_of_vpid
        beqz a0, ns_kill_bad
        lw   s2, PROC_PID(a0)       # the real pid
        j    ns_kill_target
ns_kill_root:
        mv   a0, s2
        call ns_entry_of_pid
        beqz a0, ns_kill_real
        push a0
        call ns_live
        pop  t0
        beqz a0, ns_kill_real
        mv   a0, t0
ns_kill_target:
        call ns_before_exit
ns_kill_real:
        mv   a0, s2
        call sys_kill               # the caller itself: does not return
        j    ns_kill_out
ns_kill_bad:
        li   a0, -1
ns_kill_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# ns_exit(code): exit (sys_exit) after what the namespace asks (ns_before_exit).
ns_exit:
        push a0
        mv   a0, s0
        call ns_before_exit
        pop  a0
        j    sys_exit

# ns_before_exit: a0 = a live process about to end. In a pid namespace:
# if it is the namespace's init, every other member becomes its child and
# is killed (it reaps them as it exits: proc_exit), and no process is born
# there again; otherwise its live children are given to the namespace's
# init. Keeps s0..s2.
ns_before_exit:
        push ra
        push s1
        push s2
        mv   s1, a0                 # s1 = the dying process
        call ns_proc_record
        lw   s2, NSP_PIDNS(a0)      # s2 = its pid namespace
        beqz s2, ns_before_exit_out
        lw   t0, PIDNS_INIT(s2)
        beq  t0, s1, ns_init_exit
        la   t0, proc_table         # an orphan's new parent: the init of
ns_orphans_loop:                    # its namespace
        lw   t1, PROC_PARENT(t0)
        bne  t1, s1, ns_orphans_next
        lw   t1, PROC_STATE(t0)
        beqz t1, ns_orphans_next
        li   t2, P_EXITED
        beq  t1, t2, ns_orphans_next    # its zombies proc_exit reaps
        lw   t1, PIDNS_INIT(s2)
        sw   t1, PROC_PARENT(t0)
ns_orphans_next:
        addi t0, t0, PROC_SIZE
        la   t1, proc_table + NPROC * PROC_SIZE
        bne  t0, t1, ns_orphans_loop
        j    ns_before_exit_out
ns_init_exit:
        li   t0, -1
        sw   t0, PIDNS_INIT(s2)     # no one is born there again
        li   a0, 0                  # pass 0: every member becomes its child
        call ns_members_each
        li   a0, 1                  # pass 1: and is killed
        call ns_members_each
ns_before_exit_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# ns_members_each: for ns_before_exit (s1 = a dying init, s2 = its
# namespace), a0 = 0: makes every other live member s1's child; a0 = 1:
# kills each (sys_kill, counted among the killed as SIGKILL would be).
ns_members_each:
        push ra
        addi sp, sp, -8
        sw   a0, 4(sp)              # the pass
        la   t0, proc_table
ns_members_loop:
        sw   t0, 0(sp)              # the entry
        beq  t0, s1, ns_members_next
        mv   a0, t0
        call ns_live
        beqz a0, ns_members_next
        lw   a0, 0(sp)
        call ns_proc_record
        lw   t0, NSP_PIDNS(a0)
        bne  t0, s2, ns_members_next
        lw   t0, 0(sp)
        lw   t1, 4(sp)
        bnez t1, ns_members_kill
        sw   s1, PROC_PARENT(t0)
        j    ns_members_next
ns_members_kill:
        lw   a0, PROC_PID(t0)
        call sys_kill
ns_members_next:
        lw   t0, 0(sp)
        addi t0, t0, PROC_SIZE
        la   t1, proc_table + NPROC * PROC_SIZE
        bne  t0, t1, ns_members_loop
        addi sp, sp, 8
        pop  ra
        ret

# ns_clone(flags): fork with the child in new namespaces (clone(2)): the
# caller unshares them for a moment (ns_unshare), forks (the child copies
# them), and gets its own record back. Returns what fork does, or -1 (bad
# flags, no right, no namespace left: then nothing has changed).
ns_clone:
        push ra
        push s1
        push s2
        addi sp, sp, -NSP_SIZE
        mv   s1, a0                 # s1 = flags
        mv   a0, s0
        call ns_proc_record
        mv   s2, a0                 # s2 = the caller's record
        mv   a0, sp
        mv   a1, s2
        li   a2, NSP_SIZE
        call memcpy                 # the caller's record, kept on the stack
        mv   a0, s1
        call ns_unshare
        bnez a0, ns_clone_out
        call ns_fork
        mv   s1, a0                 # s1 = fork's result
        mv   a0, s2
        mv   a1, sp
        li   a2, NSP_SIZE
        call memcpy                 # the caller as it came (a namespace a
        mv   a0, s1                 # failed fork did not take stays unused:
ns_clone_out:                       # its record is lost to this boot)
        addi sp, sp, NSP_SIZE
        pop  s2
        pop  s1
        pop  ra
        ret

# ns_unshare(flags): the caller into a new user namespace (root inside,
# its own uid outside: the map "0 OUTUID 1") and a new uts namespace (a
# copy of its hostname); CLONE_NEWPID makes a pid namespace for its
# children. "Creating all other namespace types requires CAP_SYS_ADMIN"
# unless with a new user namespace (user_namespaces(7)): here, uid 0 in
# its user namespace. Returns 0, or -1 with nothing changed.
ns_unshare:
        push ra
        push s1
        push s2
        mv   s1, a0                 # s1 = flags
        li   t0, NS_SUPPORTED
        not  t0, t0
        and  t0, s1, t0
        bnez t0, ns_unshare_bad     # a kind not built (yet), or no flag
        beqz s1, ns_unshare_bad
        call ns_activate
        mv   a0, s0
        call ns_proc_record
        mv   s2, a0                 # s2 = its record
        li   t0, CLONE_NEWUSER
        and  t0, s1, t0
        bnez t0, ns_unshare_checked
        lw   t0, NSP_UID(s2)
        bnez t0, ns_unshare_bad     # not root, and no user namespace
ns_unshare_checked:
        li   t0, CLONE_NEWPID
        and  t0, s1, t0
        beqz t0, ns_unshare_uts
        lw   t0, NSP_PIDNS(s2)
        bnez t0, ns_unshare_bad     # one level
        lw   t0, NSP_CHILDNS(s2)
        bnez t0, ns_unshare_bad     # made one already
ns_unshare_uts:
        li   a0, 0                  # a0 = the new uts namespace (0: none)
        li   t0, CLONE_NEWUTS
        and  t0, s1, t0
        beqz t0, ns_unshare_pid
        call ns_uts_alloc
        beqz a0, ns_unshare_bad
ns_unshare_pid:
        push a0
        li   a0, 0                  # a0 = the new pid namespace (0: none)
        li   t0, CLONE_NEWPID
        and  t0, s1, t0
        beqz t0, ns_unshare_apply
        call ns_pid_alloc
        bnez a0, ns_unshare_apply
        pop  a0                     # (the uts record, not taken, stays free)
        j    ns_unshare_bad
ns_unshare_apply:                   # nothing can fail from here on
        beqz a0, ns_unshare_user
        sw   a0, NSP_CHILDNS(s2)
ns_unshare_user:
        li   t0, CLONE_NEWUSER
        and  t0, s1, t0
        beqz t0, ns_unshare_set_uts
        la   t0, userns_next
        lw   t1, 0(t0)
        addi t1, t1, 1
        sw   t1, 0(t0)
        sw   t1, NSP_USERNS(s2)
        sw   zero, NSP_UID(s2)
ns_unshare_set_uts:
        pop  a0
        beqz a0, ns_unshare_ok
        lw   a1, NSP_UTSNS(s2)      # a copy of the hostname it had, owned
        lw   a2, NSP_USERNS(s2)     # by its user namespace (a new one if
        call ns_uts_init            # it made one)
        sw   a0, NSP_UTSNS(s2)
ns_unshare_ok:
        li   a0, 0
        j    ns_unshare_out
ns_unshare_bad:
        li   a0, -1
ns_unshare_out:
        pop  s2
        pop  s1
        pop  ra
        ret

userns_next:    .word 0             # the last user namespace's number
pidns_table:    .space NPIDNS * PIDNS_SIZE
