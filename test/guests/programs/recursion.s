# Calls and recursion on the stack: factorial and naive Fibonacci, with
# ra and the argument pushed and popped around each recursive call.
# expect: 10! = 3628800
# expect: fib(15) = 610
# expect: sp back at 0x00100000
# exit: 0
        .text
        li   sp, 0x100000
        li   a0, 10
        call factorial
        mv   a1, a0
        la   a0, s_fact
        call lib_show
        li   a0, 15
        call fib
        mv   a1, a0
        la   a0, s_fib
        call lib_show
        la   a0, s_sp
        call lib_puts
        mv   a0, sp
        call lib_puthex
        call lib_newline
        li   a0, 0
        halt

# factorial(n) = n * factorial(n - 1), factorial(0) = 1.
factorial:
        bnez a0, factorial_rec
        li   a0, 1
        ret
factorial_rec:
        push ra
        push a0
        addi a0, a0, -1
        call factorial
        pop  t0
        mul  a0, a0, t0
        pop  ra
        ret

# fib(n) = fib(n - 1) + fib(n - 2), fib(0) = 0, fib(1) = 1.
fib:
        li   t0, 2
        blt  a0, t0, fib_base
        push ra
        push s0
        push s1
        mv   s0, a0
        addi a0, s0, -1
        call fib
        mv   s1, a0
        addi a0, s0, -2
        call fib
        add  a0, a0, s1
        pop  s1
        pop  s0
        pop  ra
fib_base:
        ret

        .data
s_fact: .asciz "10! = "
s_fib:  .asciz "fib(15) = "
s_sp:   .asciz "sp back at "
