# compute: a long computation with a checkable answer, fib(N) mod 2^32,
# which the timer preempts many times. The loop between the two marker
# comments is also the bare-metal `user_mips` benchmark
# (loader.ts computeBenchmarkSource): it uses only add, addi and blt.
        .equ N, 30000

        .text
main:
        push ra
        push s0
        la   a0, starting
        call print
        li   t3, N
# compute loop: begin
        li   t0, 0                  # t0 = fib(i)
        li   t1, 1                  # t1 = fib(i + 1)
        li   t2, 0                  # t2 = i
fib_loop:
        add  t4, t0, t1
        mv   t0, t1
        mv   t1, t4
        addi t2, t2, 1
        blt  t2, t3, fib_loop
# compute loop: end (t0 = fib(N) mod 2^32)
        mv   s0, t0
        la   a0, result
        call print
        mv   a0, s0
        call print_hex
        li   a0, 10
        call putc
        li   a0, 0
        pop  s0
        pop  ra
        ret

        .data
starting:
        .asciz "compute: fib(30000) mod 2^32 ...\n"
result:
        .asciz "compute: fib(30000) mod 2^32 = "
