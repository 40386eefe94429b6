# files: create a file, write it, read it back, stat it, unlink it; read a
# file mkfs put on the disk; the console descriptors still work.
# disk: disk
# expect: open: fd 3
# expect: wrote 12
# expect: read back 12: hello, disk!
# expect: fstat: type 2, size 12, links 1
# expect: unlink: 0
# expect: open after unlink: -1
# expect: hello from the host
# expect: read past the end: 0
# expect: write to fd 0: -1
# expect: read of a closed fd: -1
# file: /made.txt = made by the guest\n
        .equ O_RDONLY, 0
        .equ O_RDWR,   2
        .equ O_CREATE, 0x200
        .text
main:
        push ra
        push s0
        la   a0, p_note
        li   a1, O_CREATE | O_RDWR
        call open
        mv   s0, a0
        la   a0, s_open
        call print
        mv   a0, s0
        call print_dec
        call newline
        mv   a0, s0
        la   a1, text
        li   a2, 12
        call write
        push a0
        la   a0, s_wrote
        call print
        pop  a0
        call print_dec
        call newline
        mv   a0, s0
        call close
        la   a0, p_note             # read it back through a new descriptor
        li   a1, O_RDONLY
        call open
        mv   s0, a0
        la   a1, buf
        li   a2, 64
        call read
        la   t0, buf
        add  t0, t0, a0
        sb   zero, 0(t0)
        push a0
        la   a0, s_read
        call print
        pop  a0
        call print_dec
        la   a0, s_colon
        call print
        la   a0, buf
        call print
        call newline
        mv   a0, s0                 # fstat
        la   a1, st
        call fstat
        la   a0, s_fstat
        call print
        la   t0, st
        lw   a0, 0(t0)
        call print_dec
        la   a0, s_size
        call print
        la   t0, st
        lw   a0, 8(t0)
        call print_dec
        la   a0, s_links
        call print
        la   t0, st
        lw   a0, 4(t0)
        call print_dec
        call newline
        mv   a0, s0
        call close
        la   a0, p_note
        call unlink
        push a0
        la   a0, s_unlink
        call print
        pop  a0
        call print_dec
        call newline
        la   a0, p_note
        li   a1, O_RDONLY
        call open
        push a0
        la   a0, s_gone
        call print
        pop  a0
        call print_dec
        call newline
        la   a0, p_greeting         # a file from the host
        li   a1, O_RDONLY
        call open
        mv   s0, a0
        la   a1, buf
        li   a2, 64
        call read
        la   t0, buf
        add  t0, t0, a0
        sb   zero, 0(t0)
        la   a0, buf
        call print
        mv   a0, s0
        la   a1, buf
        li   a2, 64
        call read
        push a0
        la   a0, s_eof
        call print
        pop  a0
        call print_dec
        call newline
        li   a0, 0
        la   a1, text
        li   a2, 1
        call write
        push a0
        la   a0, s_fd0
        call print
        pop  a0
        call print_dec
        call newline
        mv   a0, s0
        call close
        mv   a0, s0
        la   a1, buf
        li   a2, 4
        call read
        push a0
        la   a0, s_closed
        call print
        pop  a0
        call print_dec
        call newline
        la   a0, p_made             # left on the disk for the host to read
        li   a1, O_CREATE | O_RDWR
        call open
        la   a1, made
        li   a2, made_end - made
        call write
        li   a0, 0
        pop  s0
        pop  ra
        ret

        .data
p_note:     .asciz "/note.txt"
p_greeting: .asciz "/greeting.txt"
p_made:     .asciz "/made.txt"
text:       .ascii "hello, disk!"
made:       .ascii "made by the guest\n"
made_end:
s_open:     .asciz "open: fd "
s_wrote:    .asciz "wrote "
s_read:     .asciz "read back "
s_colon:    .asciz ": "
s_fstat:    .asciz "fstat: type "
s_size:     .asciz ", size "
s_links:    .asciz ", links "
s_unlink:   .asciz "unlink: "
s_gone:     .asciz "open after unlink: "
s_eof:      .asciz "read past the end: "
s_fd0:      .asciz "write to fd 0: "
s_closed:   .asciz "read of a closed fd: "
        .align 4
st:         .space 16
buf:        .space 68
