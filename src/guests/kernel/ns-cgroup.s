# ns-cgroup.s: resource groups (the cgroup v2 interface, Documentation/
# admin-guide/cgroup-v2.rst): "cgroup is a mechanism to organize processes
# hierarchically and distribute system resources along the hierarchy in a
# controlled and configurable manner". Here one level: the root group (0)
# and NCGROUPS groups under it, and the pids controller: "The process
# number controller is used to allow a cgroup to stop any new tasks from
# being fork()'d or clone()'d after a specified limit is reached" (a fork
# bomb stays inside its group).
#
#  27 cg_create() -> a group's number (1..NCGROUPS), or -1
#  28 cg_attach(group, pid) -> 0 or -1: the process pid (0: the caller)
#       joins the group (0: the root group); its children are born there
#  29 cg_set(group, key, value) -> 0 or -1
#  30 cg_get(group, key) -> the value, or -1
#     keys: 1 pids.max (0: "max", no limit), 2 pids.current (read only)
#
# Creating, joining and setting need root of the root user namespace (the
# cgroup files belong to the host's root): a container's root cannot move
# itself out of its group. The limit costs nothing until a group exists:
# it is checked in ns_fork (ns-pid.s), which ns_activate puts in place.
#
# Group record (cgroups, CG_SIZE bytes; group n at (n - 1) * CG_SIZE):
#
#   +0 USED      1 once created
#   +4 PIDS_MAX  0: no limit

        .equ CG_USED,         0
        .equ CG_PIDS_MAX,     4
        .equ CG_SIZE,         8
        .equ NCGROUPS,        8
        .equ CG_KEY_PIDS_MAX, 1
        .equ CG_KEY_PIDS_CURRENT, 2

        .data
        .align 4
# ns_real_root: returns a0 = the caller's record if it is root of the root
# user namespace, else 0.
ns_real_root:
        push ra
        mv   a0, s0
        call ns_proc_record
        lw   t0, NSP_UID(a0)
        bnez t0, ns_real_root_no
        lw   t0, NSP_USERNS(a0)
        beqz t0, ns_real_root_out
ns_real_root_no:
        li   a0, 0
ns_real_root_out:
        pop  ra
        ret

# ns_cgroup: a0 = a group number. Returns a0 = its record if it has been
# created, else 0 (also for 0, the root group, which has no limits).
# Clobbers t0.
ns_cgroup:
        addi a0, a0, -1
        li   t0, NCGROUPS
        bgeu a0, t0, ns_cgroup_none
        shli a0, a0, 3              # CG_SIZE = 8
        la   t0, cgroups
        add  a0, a0, t0
        lw   t0, CG_USED(a0)
        bnez t0, ns_cgroup_out
ns_cgroup_none:
        li   a0, 0
ns_cgroup_out:
        ret

# ns_cgroup_count: a0 = a group number. Returns a0 = its live processes
# (pids.current). Keeps s0..s2.
ns_cgroup_count:
        push ra
        push s1
        push s2
        addi sp, sp, -8
        sw   a0, 0(sp)
        sw   zero, 4(sp)
        la   s1, proc_table
ns_cgroup_count_loop:
        mv   a0, s1
        call ns_live
        beqz a0, ns_cgroup_count_next
        mv   a0, s1
        call ns_proc_record
        lw   t0, NSP_CGROUP(a0)
        lw   t1, 0(sp)
        bne  t0, t1, ns_cgroup_count_next
        lw   t0, 4(sp)
        addi t0, t0, 1
        sw   t0, 4(sp)
ns_cgroup_count_next:
        addi s1, s1, PROC_SIZE
        la   t0, proc_table + NPROC * PROC_SIZE
        bne  s1, t0, ns_cgroup_count_loop
        lw   a0, 4(sp)
        addi sp, sp, 8
        pop  s2
        pop  s1
        pop  ra
        ret

# ns_cgroup_may_fork: a0 = the forking process's record. Returns a0 = 1 if
# its group's pids.max leaves room for one more process, else 0.
ns_cgroup_may_fork:
        push ra
        push s1
        lw   s1, NSP_CGROUP(a0)     # s1 = its group
        mv   a0, s1
        call ns_cgroup
        beqz a0, ns_cgroup_may_yes  # the root group: no limit
        lw   t0, CG_PIDS_MAX(a0)
        beqz t0, ns_cgroup_may_yes
        push t0
        mv   a0, s1
        call ns_cgroup_count
        pop  t0
        bltu a0, t0, ns_cgroup_may_yes
        li   a0, 0
        j    ns_cgroup_may_out
ns_cgroup_may_yes:
        li   a0, 1
ns_cgroup_may_out:
        pop  s1
        pop  ra
        ret

# ns_cg_create(): a new group, no limits.
ns_cg_create:
        push ra
        call ns_real_root
        beqz a0, ns_cg_create_bad
        call ns_activate
        la   a0, cgroups
        li   t1, 1                  # t1 = its number
ns_cg_create_loop:
        lw   t0, CG_USED(a0)
        beqz t0, ns_cg_create_found
        addi a0, a0, CG_SIZE
        addi t1, t1, 1
        li   t0, NCGROUPS
        bge  t0, t1, ns_cg_create_loop
ns_cg_create_bad:
        li   a0, -1
        pop  ra
        ret
ns_cg_create_found:
        li   t0, 1
        sw   t0, CG_USED(a0)
        sw   zero, CG_PIDS_MAX(a0)
        mv   a0, t1
        pop  ra
        ret

# ns_cg_attach(group, pid): the process the caller calls pid (0: itself)
# into the group.
ns_cg_attach:
        push ra
        push s1
        push s2
        mv   s1, a0                 # s1 = the group
        mv   s2, a1                 # s2 = the pid
        call ns_real_root
        beqz a0, ns_cg_attach_bad
        beqz s1, ns_cg_attach_who   # the root group
        mv   a0, s1
        call ns_cgroup
        beqz a0, ns_cg_attach_bad
ns_cg_attach_who:
        mv   a0, s0
        beqz s2, ns_cg_attach_join
        mv   a0, s0
        call ns_proc_record
        lw   a0, NSP_PIDNS(a0)
        beqz a0, ns_cg_attach_real
        mv   a1, s2
        call ns_member_of_vpid
        j    ns_cg_attach_found
ns_cg_attach_real:
        mv   a0, s2
        call ns_entry_of_pid
        beqz a0, ns_cg_attach_bad
        push a0
        call ns_live
        pop  t0
        beqz a0, ns_cg_attach_bad
        mv   a0, t0
ns_cg_attach_found:
        beqz a0, ns_cg_attach_bad
ns_cg_attach_join:
        call ns_proc_record
        sw   s1, NSP_CGROUP(a0)
        li   a0, 0
        j    ns_cg_attach_out
ns_cg_attach_bad:
        li   a0, -1
ns_cg_attach_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# ns_cg_set(group, key, value): pids.max = value >= 0 (0: no limit).
ns_cg_set:
        push ra
        push s1
        push s2
        mv   s1, a0
        mv   s2, a2                 # s2 = value (a1 = key)
        li   t0, CG_KEY_PIDS_MAX
        bne  a1, t0, ns_cg_set_bad
        blt  s2, zero, ns_cg_set_bad
        call ns_real_root
        beqz a0, ns_cg_set_bad
        mv   a0, s1
        call ns_cgroup
        beqz a0, ns_cg_set_bad
        sw   s2, CG_PIDS_MAX(a0)
        li   a0, 0
        j    ns_cg_set_out
ns_cg_set_bad:
        li   a0, -1
ns_cg_set_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# ns_cg_get(group, key): pids.max or pids.current; anyone may read.
ns_cg_get:
        push ra
        push s1
        mv   s1, a0
        li   t0, CG_KEY_PIDS_CURRENT
        beq  a1, t0, ns_cg_get_current
        li   t0, CG_KEY_PIDS_MAX
        bne  a1, t0, ns_cg_get_bad
        call ns_cgroup
        beqz a0, ns_cg_get_bad
        lw   a0, CG_PIDS_MAX(a0)
        j    ns_cg_get_out
ns_cg_get_current:
        beqz s1, ns_cg_get_count    # the root group counts too
        call ns_cgroup
        beqz a0, ns_cg_get_bad
ns_cg_get_count:
        mv   a0, s1
        call ns_cgroup_count
        j    ns_cg_get_out
ns_cg_get_bad:
        li   a0, -1
ns_cg_get_out:
        pop  s1
        pop  ra
        ret

cgroups:        .space NCGROUPS * CG_SIZE
