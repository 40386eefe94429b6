# fork-fds: descriptors are inherited by fork and share the open file's
# offset: the child writes first, then the parent, through the same fd,
# and the file holds both lines in that order. The child's directory is
# its parent's too.
# disk: disk
# expect: child: fd 3 writes 6
# expect: child sees the parent's directory: 0
# expect: parent: fd 3 writes 7
# expect: read back: child
# expect: parent
# file: /shared.txt = child\nparent\n
        .equ O_RDONLY, 0
        .equ O_RDWR,   2
        .equ O_CREATE, 0x200
        .text
main:
        push ra
        push s0
        la   a0, p_dir
        call mkdir
        la   a0, p_dir
        call chdir
        la   a0, p_shared
        li   a1, O_CREATE | O_RDWR
        call open
        mv   s0, a0                 # s0 = fd, shared with the child
        call fork
        beqz a0, child
        call wait
        mv   a0, s0
        la   a1, l_parent
        li   a2, 7
        call write
        push a0
        la   a0, s_parent
        call print
        pop  a0
        call print_dec
        la   a0, s_nl
        call print
        mv   a0, s0
        call close
        la   a0, p_shared
        li   a1, O_RDONLY
        call open
        la   a1, buf
        li   a2, 60
        call read
        la   t0, buf
        add  t0, t0, a0
        sb   zero, 0(t0)
        la   a0, s_back
        call print
        la   a0, buf
        call print
        li   a0, 0
        pop  s0
        pop  ra
        ret

child:
        mv   a0, s0
        la   a1, l_child
        li   a2, 6
        call write
        push a0
        la   a0, s_child
        call print
        pop  a0
        call print_dec
        la   a0, s_nl
        call print
        la   a0, p_here             # "." is /d: the parent's directory
        li   a1, O_RDONLY
        call open
        la   a1, st
        call fstat
        la   a0, s_dir
        call print
        la   t0, st                 # type 1: 0 if it is a directory
        lw   a0, 0(t0)
        addi a0, a0, -1
        call print_dec
        la   a0, s_nl
        call print
        li   a0, 0
        call exit

        .data
p_dir:    .asciz "/d"
p_shared: .asciz "/shared.txt"
p_here:   .asciz "."
l_child:  .ascii "child\n"
l_parent: .ascii "parent\n"
s_child:  .asciz "child: fd 3 writes "
s_parent: .asciz "parent: fd 3 writes "
s_back:   .asciz "read back: "
s_dir:    .asciz "child sees the parent's directory: "
s_nl:     .asciz "\n"
        .align 4
st:       .space 16
buf:      .space 64
