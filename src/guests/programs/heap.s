# heap: grows its heap with sbrk, checks the new memory reads as zero,
# fills it and sums it. Exits 0 if every check held, else the number of
# the check that failed.
        .equ BYTES, 10000
        .equ WORDS, 2500            # BYTES / 4

        .text
main:
        push ra
        push s0
        push s1
        li   a0, 0
        call sbrk
        mv   s0, a0                 # s0 = the heap's start
        li   a0, BYTES
        call sbrk
        li   s1, 1
        bne  a0, s0, failed         # 1: sbrk returns the old break
        li   a0, 0
        call sbrk
        li   t0, BYTES
        add  t0, s0, t0
        li   s1, 2
        bne  a0, t0, failed         # 2: the break moved by BYTES
        li   a0, -1
        call sbrk
        li   t0, -1
        li   s1, 3
        bne  a0, t0, failed         # 3: shrinking is refused
        li   s1, 4
        mv   t0, s0
        li   t2, 0                  # t2 = i
        li   t3, WORDS
fill:
        lw   t1, 0(t0)
        bnez t1, failed             # 4: fresh pages are zero
        sw   t2, 0(t0)
        addi t0, t0, 4
        addi t2, t2, 1
        blt  t2, t3, fill
        mv   t0, s0
        li   t2, 0
        li   a1, 0                  # a1 = the sum
sum:
        lw   t1, 0(t0)
        add  a1, a1, t1
        addi t0, t0, 4
        addi t2, t2, 1
        blt  t2, t3, sum
        mv   s1, a1
        la   a0, message
        call print
        mv   a0, s1
        call print_dec
        li   a0, 10
        call putc
        li   a0, 0
        j    done
failed:
        la   a0, failure
        call print
        mv   a0, s1
        call print_dec
        li   a0, 10
        call putc
        mv   a0, s1
done:
        pop  s1
        pop  s0
        pop  ra
        ret

        .data
message:
        .asciz "heap: 10000 bytes from sbrk, sum of 0..2499 = "
failure:
        .asciz "heap: failed check "
