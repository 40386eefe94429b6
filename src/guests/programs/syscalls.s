# syscalls: tries every system call and its error cases, printing one
# line each; exits with 0.
        .text
main:
        push ra
        push s0
        call getpid
        mv   s0, a0
        la   a0, m_pid
        call print
        mv   a0, s0
        call print_dec
        li   a0, 10
        call putc
        li   a0, 'p'                # putc
        call putc
        li   a0, 'u'
        call putc
        li   a0, 10
        call putc
        call uptime                 # uptime grows
        mv   s0, a0
        call uptime
        sltu a0, s0, a0
        la   t0, m_uptime
        call report
        li   a0, 1                  # write returns its length
        la   a1, m_write
        li   a2, 6
        call write
        addi a0, a0, -6
        sltu a0, zero, a0
        xori a0, a0, 1
        la   t0, m_length
        call report
        li   a0, 7                  # a bad fd
        la   a1, m_ok
        li   a2, 3
        call write
        la   t0, m_badfd
        call report_error
        li   a0, 1                  # a kernel address
        li   a1, 0x1000
        li   a2, 4
        call write
        la   t0, m_kernelbuf
        call report_error
        li   a0, 1                  # an unmapped address
        li   a1, 0x50000000
        li   a2, 4
        call write
        la   t0, m_unmapped
        call report_error
        li   a0, 99                 # an unknown system call
        sys
        la   t0, m_unknown
        call report_error
        li   a0, 0
        pop  s0
        pop  ra
        ret

# report_error: a0 = a system call's result, t0 = its name; says whether it was -1.
report_error:
        addi a0, a0, 1
        sltu a0, zero, a0
        xori a0, a0, 1
# report: a0 = 1 if the check passed, t0 = its name; prints "name: ok" or "name: FAILED".
report:
        push ra
        push a0
        mv   a0, t0
        call print
        pop  a0
        la   t0, m_failed
        beqz a0, report_print
        la   t0, m_ok
report_print:
        mv   a0, t0
        call print
        pop  ra
        ret

        .data
m_pid:        .asciz "getpid: "
m_uptime:     .asciz "uptime grows: "
m_write:      .ascii "write "
m_length:     .asciz "returns its length: "
m_badfd:      .asciz "write to fd 7 fails: "
m_kernelbuf:  .asciz "write from kernel memory fails: "
m_unmapped:   .asciz "write from unmapped memory fails: "
m_unknown:    .asciz "syscall 99 fails: "
m_ok:         .asciz "ok\n"
m_failed:     .asciz "FAILED\n"
