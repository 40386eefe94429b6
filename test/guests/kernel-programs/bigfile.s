# bigfile: a file of 20 blocks, more than the 12 direct ones, so its tail
# goes through the indirect block; written 1 KiB at a time, read back
# 1000 bytes at a time (reads straddle blocks), every byte checked.
# disk: disk
# expect: wrote 20480
# expect: size 20480
# expect: read 20480, all bytes right
        .equ O_RDONLY, 0
        .equ O_RDWR,   2
        .equ O_CREATE, 0x200
        .equ BLOCKS,   20
        .text
main:
        push ra
        push s0
        push s1
        push s2
        la   a0, path
        li   a1, O_CREATE | O_RDWR
        call open
        mv   s0, a0                 # s0 = fd
        li   s1, 0                  # s1 = block
        li   s2, 0                  # s2 = bytes written
write_block:
        li   t0, BLOCKS
        bge  s1, t0, written
        la   t0, buf                # buf[i] = (block * 7 + i) & 255
        li   t1, 0
fill:
        li   t2, 7
        mul  t2, s1, t2
        add  t2, t2, t1
        add  t3, t0, t1
        sb   t2, 0(t3)
        addi t1, t1, 1
        li   t2, 1024
        blt  t1, t2, fill
        mv   a0, s0
        la   a1, buf
        li   a2, 1024
        call write
        add  s2, s2, a0
        addi s1, s1, 1
        j    write_block
written:
        la   a0, s_wrote
        call print
        mv   a0, s2
        call print_dec
        call newline
        mv   a0, s0
        la   a1, st
        call fstat
        la   a0, s_size
        call print
        la   t0, st
        lw   a0, 8(t0)
        call print_dec
        call newline
        mv   a0, s0
        call close
        la   a0, path
        li   a1, O_RDONLY
        call open
        mv   s0, a0
        li   s1, 0                  # s1 = offset
        li   s2, 0                  # s2 = wrong bytes
read_chunk:
        mv   a0, s0
        la   a1, buf
        li   a2, 1000
        call read
        beqz a0, read_done
        blt  a0, zero, read_done
        li   t1, 0
check:
        bge  t1, a0, checked
        add  t2, s1, t1             # the file offset
        shri t3, t2, 10             # its block
        li   t4, 7
        mul  t3, t3, t4
        andi t4, t2, 1023
        add  t3, t3, t4
        andi t3, t3, 255            # the byte it must hold
        la   t4, buf
        add  t4, t4, t1
        lbu  t4, 0(t4)
        beq  t3, t4, check_next
        addi s2, s2, 1
check_next:
        addi t1, t1, 1
        j    check
checked:
        add  s1, s1, a0
        j    read_chunk
read_done:
        la   a0, s_read
        call print
        mv   a0, s1
        call print_dec
        la   a0, s_right
        bnez s2, wrong
        call print
        j    out
wrong:
        la   a0, s_wrong
        call print
out:
        li   a0, 0
        pop  s2
        pop  s1
        pop  s0
        pop  ra
        ret

        .data
path:    .asciz "/big.bin"
s_wrote: .asciz "wrote "
s_size:  .asciz "size "
s_read:  .asciz "read "
s_right: .asciz ", all bytes right\n"
s_wrong: .asciz ", some bytes wrong\n"
        .align 4
st:      .space 16
buf:     .space 1024
