# copy-on-write: after fork, parent and child each write the same global
# and the same stack word; each reads back its own value, and the parent's
# values are what it wrote, whatever the child did. A heap page shared
# read-only is copied too.
# expect: child sees 222 and 333
# expect: child heap 444
# expect: parent sees 111 and 555
# expect: parent heap 7
        .text
main:
        push ra
        li   a0, 4096
        call sbrk
        la   t0, heap
        sw   a0, 0(t0)
        li   t1, 7
        sw   t1, 0(a0)              # heap word = 7, before the fork
        li   t0, 111
        la   t1, shared
        sw   t0, 0(t1)
        push t0                     # a stack word, shared too
        call fork
        beqz a0, child
        call wait                   # the child has run and written
        li   t0, 555
        sw   t0, 0(sp)
        la   a0, s_parent
        call print
        la   t0, shared
        lw   a0, 0(t0)
        call print_dec
        la   a0, s_and
        call print
        lw   a0, 0(sp)
        call print_dec
        la   a0, s_pheap
        call print
        la   t0, heap
        lw   t0, 0(t0)
        lw   a0, 0(t0)
        call print_dec
        la   a0, s_nl
        call print
        pop  t0
        li   a0, 0
        pop  ra
        ret
child:
        li   t0, 222
        la   t1, shared
        sw   t0, 0(t1)
        li   t0, 333
        sw   t0, 0(sp)
        la   t0, heap
        lw   t0, 0(t0)
        li   t1, 444
        sw   t1, 0(t0)
        la   a0, s_child
        call print
        la   t0, shared
        lw   a0, 0(t0)
        call print_dec
        la   a0, s_and
        call print
        lw   a0, 0(sp)
        call print_dec
        la   a0, s_cheap
        call print
        la   t0, heap
        lw   t0, 0(t0)
        lw   a0, 0(t0)
        call print_dec
        la   a0, s_nl
        call print
        li   a0, 0
        call exit

        .data
        .align 4
shared:   .word 0
heap:     .word 0
s_child:  .asciz "child sees "
s_parent: .asciz "parent sees "
s_and:    .asciz " and "
s_cheap:  .asciz "\nchild heap "
s_pheap:  .asciz "\nparent heap "
s_nl:     .asciz "\n"
