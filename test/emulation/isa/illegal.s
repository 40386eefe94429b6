# The all-zero word is illegal in every RISC-V ("the encoding with all
# bits zero is defined as illegal", unprivileged spec 1.5): SIGILL, status 132.
# (M's mul would not do: qemu-riscv32's default CPU implements M.)
# expect status: 132
    .text
    .globl main
main:
    .word 0
    ret
