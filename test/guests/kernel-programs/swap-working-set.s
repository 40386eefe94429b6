# swap: a working set twice the kernel's memory (256 KiB, 64 frames; the
# heap alone is 128 pages). Every page gets 16 words, each naming its page
# and place; then all are read back twice and checked. The clock writes
# pages out to the disk's swap area and the faults read them back: the
# program completes with the right answer, only slower.
# memory: 262144
# disk: swap
# expect: wrote 128 pages
# expect: read back twice: ok
        .equ PAGES, 128
        .text
main:
        push ra
        push s0
        push s1
        li   a0, PAGES * 4096
        call sbrk
        mv   s0, a0                 # s0 = the heap
        li   t0, -1
        la   a0, s_nosbrk
        beq  s0, t0, failed
        li   t1, 0                  # t1 = page
fill_page:
        li   t2, 0                  # t2 = word of 16
fill_word:
        shli t3, t1, 12
        shli t4, t2, 8              # every 256 bytes
        add  t3, t3, t4
        add  t3, t3, s0             # the address
        shli t4, t1, 8
        add  t4, t4, t2             # the value: page * 256 + word
        sw   t4, 0(t3)
        addi t2, t2, 1
        li   t4, 16
        bltu t2, t4, fill_word
        addi t1, t1, 1
        li   t4, PAGES
        bltu t1, t4, fill_page
        la   a0, s_wrote
        call print
        li   s1, 2                  # s1 = passes left
check_pass:
        li   t1, 0
check_page:
        li   t2, 0
check_word:
        shli t3, t1, 12
        shli t4, t2, 8
        add  t3, t3, t4
        add  t3, t3, s0
        lw   t3, 0(t3)
        shli t4, t1, 8
        add  t4, t4, t2
        la   a0, s_bad
        bne  t3, t4, failed
        addi t2, t2, 1
        li   t4, 16
        bltu t2, t4, check_word
        addi t1, t1, 1
        li   t4, PAGES
        bltu t1, t4, check_page
        addi s1, s1, -1
        bnez s1, check_pass
        la   a0, s_ok
        call print
        li   a0, 0
        j    out
failed:
        call print
        li   a0, 1
out:
        pop  s1
        pop  s0
        pop  ra
        ret

        .data
s_wrote:  .asciz "wrote 128 pages\n"
s_ok:     .asciz "read back twice: ok\n"
s_bad:    .asciz "read back: WRONG\n"
s_nosbrk: .asciz "sbrk failed\n"
