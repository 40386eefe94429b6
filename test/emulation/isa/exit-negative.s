# exit(-1): the status is the low 8 bits, 255.
# expect status: 255
    .text
    .globl main
main:
    li a0, -1
    ret
