# hello: the smallest process: one write system call, then exit(0).
        .text
main:
        push ra
        li   a0, 1                  # fd 1, the console
        la   a1, greeting
        li   a2, greeting_end - greeting
        call write
        li   a0, 0
        pop  ra
        ret

        .data
greeting:
        .ascii "hello, world\n"
greeting_end:
