# copy-on-write after swap: the parent's 96 heap pages do not fit in the
# kernel's 256 KiB, so most are in swap when it forks; the child shares
# them (resident frames copy-on-write, swapped ones by their swap slot),
# reads the parent's values, writes its own; the parent, after the child
# has exited, still reads its own values, then writes new ones.
# memory: 262144
# disk: swap
# expect: parent wrote 96 pages
# expect: child sees the parent's values: ok
# expect: child's own values: ok
# expect: child exited 0
# expect: parent's values unchanged: ok
# expect: parent's own values: ok
        .equ PAGES, 96
        .text
main:
        push ra
        push s0
        push s1
        li   a0, PAGES * 4096
        call sbrk
        mv   s0, a0                 # s0 = the heap
        li   a0, 0
        call store                  # values page * 256 + word
        la   a0, s_wrote
        call print
        call fork
        beqz a0, child
        call wait
        mv   s1, a1                 # the child's status
        la   a0, s_exited
        call print
        mv   a0, s1
        call print_dec
        li   a0, 10
        call putc
        li   a0, 0
        call verify
        la   a1, s_unchanged
        call report_ok
        li   a0, 200000
        call store
        li   a0, 200000
        call verify
        la   a1, s_parent_own
        call report_ok
        li   a0, 0
        pop  s1
        pop  s0
        pop  ra
        ret
child:
        li   a0, 0
        call verify
        la   a1, s_sees
        call report_ok
        li   a0, 100000
        call store
        li   a0, 100000
        call verify
        la   a1, s_child_own
        call report_ok
        li   a0, 0
        call exit

# store: a0 = a bias; word w (of 4, 1 KiB apart) of page p of the heap
# (s0) = bias + p * 256 + w.
store:
        li   t1, 0
store_page:
        li   t2, 0
store_word:
        shli t3, t1, 12
        shli t4, t2, 10
        add  t3, t3, t4
        add  t3, t3, s0
        shli t4, t1, 8
        add  t4, t4, t2
        add  t4, t4, a0
        sw   t4, 0(t3)
        addi t2, t2, 1
        li   t4, 4
        bltu t2, t4, store_word
        addi t1, t1, 1
        li   t4, PAGES
        bltu t1, t4, store_page
        ret

# verify: a0 = the bias store used; returns a0 = the words that differ.
verify:
        mv   t0, a0
        li   a0, 0
        li   t1, 0
verify_page:
        li   t2, 0
verify_word:
        shli t3, t1, 12
        shli t4, t2, 10
        add  t3, t3, t4
        add  t3, t3, s0
        lw   t3, 0(t3)
        shli t4, t1, 8
        add  t4, t4, t2
        add  t4, t4, t0
        beq  t3, t4, verify_next
        addi a0, a0, 1
verify_next:
        addi t2, t2, 1
        li   t4, 4
        bltu t2, t4, verify_word
        addi t1, t1, 1
        li   t4, PAGES
        bltu t1, t4, verify_page
        ret

        .data
s_wrote:      .asciz "parent wrote 96 pages\n"
s_sees:       .asciz "child sees the parent's values: "
s_child_own:  .asciz "child's own values: "
s_exited:     .asciz "child exited "
s_unchanged:  .asciz "parent's values unchanged: "
s_parent_own: .asciz "parent's own values: "
s_ok:         .asciz "ok\n"
s_wrong:      .asciz "WRONG\n"
