# Two containers on one kernel, still running when the host looks: "web"
# (new pid and uts namespaces, in resource group 1 with pids.max 3, with a
# child of its own) and "db" (new pid, uts and user namespaces: root inside,
# uid 0 mapped to the host's root). The host's shell (pid 1) waits.
        .text
main:
        li   a0, SYS_CG_CREATE
        sys
        mv   s0, a0
        li   a0, SYS_CG_SET
        mv   a1, s0
        li   a2, CG_PIDS_MAX
        li   a3, 3
        sys
        li   a0, SYS_CLONE
        li   a1, CLONE_NEWPID | CLONE_NEWUTS
        sys
        beqz a0, web
        mv   a2, a0
        li   a0, SYS_CG_ATTACH
        mv   a1, s0
        sys
        li   a0, SYS_CLONE
        li   a1, CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWUSER
        sys
        beqz a0, db
        call wait                   # they never end
        li   a0, 0
        ret

web:
        la   a1, name_web
        li   a2, 3
        li   a0, SYS_SETHOSTNAME
        sys
        call fork
        j    spin

db:
        la   a1, name_db
        li   a2, 2
        li   a0, SYS_SETHOSTNAME
        sys
spin:
        call yield
        j    spin

        .data
name_web:   .ascii "web"
name_db:    .ascii "db"
