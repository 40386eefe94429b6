# kill-blocked: a child killed while it sleeps in the kernel on the disk
# finishes the system call it is in (the file system stays whole), then
# ends with status -1 on its way back to user mode; the parent reaps it.
# disk: disk
# expect: parent: kill 0
# expect: child reaped, status -1
# expect: the child's write is whole: 1024
# exit: 1
        .equ O_RDONLY, 0
        .equ O_RDWR,   2
        .equ O_CREATE, 0x200
        .text
main:
        push ra
        push s0
        la   a0, path               # the child inherits the descriptor
        li   a1, O_CREATE | O_RDWR
        call open
        call fork
        beqz a0, child
        mv   s0, a0                 # s0 = the child's pid
        call yield                  # the child runs until its write sleeps
        mv   a0, s0
        call kill
        push a0
        la   a0, s_kill
        call print
        pop  a0
        call print_dec
        la   a0, s_nl
        call print
        call wait
        push a1                     # its status
        la   a0, s_reaped
        call print
        pop  a0
        call print_dec
        la   a0, s_nl
        call print
        la   a0, path
        li   a1, O_RDONLY
        call open
        la   a1, st
        call fstat
        la   a0, s_whole
        call print
        la   t0, st
        lw   a0, 8(t0)
        call print_dec
        la   a0, s_nl
        call print
        li   a0, 0
        pop  s0
        pop  ra
        ret

child:
        li   a0, 3
        la   a1, buf
        li   a2, 1024
        call write                  # sleeps on the disk: killed meanwhile
        la   a0, s_survived         # (never printed)
        call print
        li   a0, 0
        call exit

        .data
path:       .asciz "/victim"
s_kill:     .asciz "parent: kill "
s_reaped:   .asciz "child reaped, status "
s_whole:    .asciz "the child's write is whole: "
s_survived: .asciz "the child survived\n"
s_nl:       .asciz "\n"
        .align 4
st:         .space 16
buf:        .space 1024
