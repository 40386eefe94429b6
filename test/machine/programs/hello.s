# The console: a byte stored at 0xFFFF0000 is printed.
# expect: hello, toy32
# exit: 0
        .equ CONSOLE_TX, 0xffff0000
_start: la   a0, message
        call puts
        li   a0, 0
        halt

puts:   li   t0, CONSOLE_TX
puts_next:
        lbu  t1, 0(a0)
        beqz t1, puts_done
        sb   t1, 0(t0)
        addi a0, a0, 1
        j    puts_next
puts_done:
        ret

message: .asciz "hello, toy32\n"
