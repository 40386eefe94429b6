# fault: stores to address 0, which is kernel memory (U=0): the MMU raises
# PAGE_FAULT_STORE and the kernel kills the process.
        .text
main:
        push ra
        la   a0, before
        call print
        li   t0, 0
        sw   t0, 0(t0)              # the fault
        la   a0, after
        call print
        li   a0, 1
        pop  ra
        ret

        .data
before:
        .asciz "fault: storing to address 0\n"
after:
        .asciz "fault: still alive (the kernel did not protect itself)\n"
