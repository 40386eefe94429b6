# Forks until fork fails, every child spinning forever; then prints how
# many it made and exits (its namespace's init: the children die with it).
        .text
main:
        push ra
        push s0
        li   s0, 0
bomb:
        call fork
        beqz a0, spin
        blt  a0, zero, done
        addi s0, s0, 1
        j    bomb
done:
        la   a0, s_made
        call print
        mv   a0, s0
        call print_dec
        la   a0, s_nl
        call print
        li   a0, 0
        pop  s0
        pop  ra
        ret
spin:
        call yield
        j    spin

        .data
s_made: .asciz "bomb made "
s_nl:   .asciz "\n"
