# demand paging: sbrk maps nothing; each heap page comes in zeroed when
# first touched, by a load as well as by a store. 64 KiB are read (all
# zero), then every word written with its index and read back; a child
# forked after that sees the parent's words (pages shared copy-on-write),
# and a page the parent never touched reads as zero in the child too.
# expect: 16 pages read as zero: ok
# expect: written and read back: ok
# expect: child sees the parent's words: ok
# expect: untouched page in the child: 0
        .equ BYTES, 65536
        .text
main:
        push ra
        push s0
        push s1
        li   a0, BYTES + 4096
        call sbrk
        mv   s0, a0                 # s0 = the heap; its last page stays untouched
        li   t0, 0                  # t0 = sum of every word
        mv   t1, s0
        li   t2, BYTES
        add  t2, t2, s0
read_zero:
        lw   t3, 0(t1)
        add  t0, t0, t3
        addi t1, t1, 4
        bltu t1, t2, read_zero
        la   a0, s_zero
        bnez t0, failed
        call print
        mv   t1, s0                 # every word = its index
        li   t3, 0
fill:
        sw   t3, 0(t1)
        addi t3, t3, 1
        addi t1, t1, 4
        bltu t1, t2, fill
        call check
        la   a0, s_written
        bnez t0, failed
        call print
        call fork
        beqz a0, child
        call wait
        li   a0, 0
        j    out
child:
        call check
        la   a0, s_child
        bnez t0, failed
        call print
        la   a0, s_untouched
        call print
        li   t0, BYTES + 4092
        add  t0, t0, s0
        lw   a0, 0(t0)
        call print_dec
        li   a0, 10
        call putc
        li   a0, 0
        call exit
failed:
        la   a0, s_failed
        call print
        li   a0, 1
out:
        pop  s1
        pop  s0
        pop  ra
        ret

# check: t0 = the number of words of [s0, s0 + BYTES) that are not their index.
check:
        li   t0, 0
        mv   t1, s0
        li   t3, 0
        li   t2, BYTES
        add  t2, t2, s0
check_loop:
        lw   a0, 0(t1)
        beq  a0, t3, check_next
        addi t0, t0, 1
check_next:
        addi t3, t3, 1
        addi t1, t1, 4
        bltu t1, t2, check_loop
        ret

        .data
s_zero:      .asciz "16 pages read as zero: ok\n"
s_written:   .asciz "written and read back: ok\n"
s_child:     .asciz "child sees the parent's words: ok\n"
s_untouched: .asciz "untouched page in the child: "
s_failed:    .asciz "FAILED\n"
