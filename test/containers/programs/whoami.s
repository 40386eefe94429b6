# Prints what it sees from inside its container: its pid, hostname and uid,
# and whether it may rename its host.
        .text
main:
        push ra
        la   a0, s_pid
        call print
        call getpid
        call print_dec
        la   a0, s_host
        call print
        li   a0, SYS_GETHOSTNAME
        la   a1, buf
        li   a2, 16
        sys
        la   a0, buf
        call print
        la   a0, s_uid
        call print
        li   a0, SYS_GETUID
        sys
        call print_dec
        li   a0, SYS_SETHOSTNAME
        la   a1, buf
        li   a2, 1
        sys
        mv   t0, a0
        la   a0, s_rename_no
        blt  t0, zero, main_rename
        la   a0, s_rename_yes
main_rename:
        call print
        li   a0, 0
        pop  ra
        ret

        .data
s_pid:          .asciz "pid "
s_host:         .asciz ", hostname "
s_uid:          .asciz ", uid "
s_rename_no:    .asciz ", rename: refused\n"
s_rename_yes:   .asciz ", rename: ALLOWED\n"
                .align 4
buf:            .space 16
