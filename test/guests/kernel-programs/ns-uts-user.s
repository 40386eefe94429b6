# uts and user namespaces (uts_namespaces(7), user_namespaces(7)): a child
# cloned with CLONE_NEWUTS renames its own namespace and the host keeps its
# name; an unprivileged user cannot make a uts namespace without a user
# namespace; with one it is uid 0 inside, may rename the uts namespace its
# user namespace owns, but not the host's (root inside is not root
# outside), and cannot become a uid its map lacks.
# expect: host hostname: toy32
# expect: a hostname at a kernel address: refused
# expect: a hostname of 16 bytes: refused
# expect: container hostname: web1
# expect: host hostname after: toy32
# expect: uid after setuid(1000): 1000
# expect: unprivileged clone(NEWUTS): refused
# expect: unprivileged sethostname: refused
# expect: in a new user namespace, uid: 0
# expect: root inside renames the host: refused
# expect: root inside setuid(5), unmapped: refused
# expect: root inside with its own uts namespace: db1
# expect: a buffer too small for the name: refused
        .text
main:
        push ra
        la   a0, s_host
        call show_hostname
        li   a0, SYS_CLONE
        li   a1, CLONE_NEWUTS
        sys
        beqz a0, web
        call wait
        la   a0, s_host_after
        call show_hostname
        li   a0, SYS_SETUID
        li   a1, 1000
        sys
        li   a0, SYS_GETUID
        sys
        mv   a1, a0
        la   a0, s_uid
        call say
        li   a0, SYS_CLONE           # a user, not root: no uts namespace
        li   a1, CLONE_NEWUTS
        sys
        mv   a1, a0
        la   a0, s_unpriv_clone
        call say_refused
        la   a1, name_web
        li   a2, 4
        li   a0, SYS_SETHOSTNAME
        sys
        mv   a1, a0
        la   a0, s_unpriv_set
        call say_refused
        li   a0, SYS_CLONE           # a user namespace alone, then both
        li   a1, CLONE_NEWUSER
        sys
        beqz a0, rootless
        call wait
        li   a0, SYS_CLONE
        li   a1, CLONE_NEWUSER | CLONE_NEWUTS
        sys
        beqz a0, rootless_uts
        call wait
        la   a1, buf                 # gethostname into 3 bytes: "toy32" needs 6
        li   a2, 3
        li   a0, SYS_GETHOSTNAME
        sys
        mv   a1, a0
        la   a0, s_small
        call say_refused
        li   a0, 0
        pop  ra
        ret

web:                                 # root in its own uts namespace: only
        li   a1, 0x1000              # bad names are refused
        li   a2, 4
        li   a0, SYS_SETHOSTNAME
        sys
        mv   a1, a0
        la   a0, s_kernel
        call say_refused
        la   a1, name_web
        li   a2, 16
        li   a0, SYS_SETHOSTNAME
        sys
        mv   a1, a0
        la   a0, s_long
        call say_refused
        la   a1, name_web
        li   a2, 4
        li   a0, SYS_SETHOSTNAME
        sys
        la   a0, s_container
        call show_hostname
        li   a0, 0
        call exit

rootless:
        li   a0, SYS_GETUID
        sys
        mv   a1, a0
        la   a0, s_rootless_uid
        call say
        la   a1, name_web
        li   a2, 4
        li   a0, SYS_SETHOSTNAME
        sys
        mv   a1, a0
        la   a0, s_rootless_host
        call say_refused
        li   a0, SYS_SETUID
        li   a1, 5
        sys
        mv   a1, a0
        la   a0, s_rootless_setuid
        call say_refused
        li   a0, 0
        call exit

rootless_uts:
        la   a1, name_db
        li   a2, 3
        li   a0, SYS_SETHOSTNAME
        sys
        la   a0, s_rootless_uts
        call show_hostname
        li   a0, 0
        call exit

# show_hostname: prints the label a0, the hostname and a newline.
show_hostname:
        push ra
        call print
        la   a1, buf
        li   a2, 16
        li   a0, SYS_GETHOSTNAME
        sys
        la   a0, buf
        call print
        la   a0, s_nl
        call print
        pop  ra
        ret

        .data
s_host:             .asciz "host hostname: "
s_container:        .asciz "container hostname: "
s_host_after:       .asciz "host hostname after: "
s_uid:              .asciz "uid after setuid(1000): "
s_unpriv_clone:     .asciz "unprivileged clone(NEWUTS): "
s_unpriv_set:       .asciz "unprivileged sethostname: "
s_rootless_uid:     .asciz "in a new user namespace, uid: "
s_rootless_host:    .asciz "root inside renames the host: "
s_rootless_setuid:  .asciz "root inside setuid(5), unmapped: "
s_rootless_uts:     .asciz "root inside with its own uts namespace: "
s_small:            .asciz "a buffer too small for the name: "
s_kernel:           .asciz "a hostname at a kernel address: "
s_long:             .asciz "a hostname of 16 bytes: "
s_nl:               .asciz "\n"
name_web:           .ascii "web1"
name_db:            .ascii "db1"
                    .align 4
buf:                .space 16
