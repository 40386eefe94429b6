# Branches, taken and not, on signed and unsigned edges; a backward branch;
# branches to the ends of their +-4 KiB reach; JAL across 256 KiB and back;
# JALR clearing bit 0 of the target, with rd = rs1, and its link value.
# expect status: 3
    .include "macros.inc"
    .text
    .globl main
main:
    addi sp, sp, -16
    sw ra, 12(sp)
    .irp op, beq, bne, blt, bge, bltu, bgeu
    .irp a, 0, 1, -1, 0x7fffffff, 0x80000000
    .irp b, 0, -1, 0x80000000
    br \op, \a, \b
    .endr
    .endr
    .endr
    li a0, 0
    j 3f
2:  addi a0, a0, 1                      # reached backward
    j 4f
3:  beq zero, zero, 2b
4:  call puthex
    li a0, 0x10
    bne zero, a0, far_forward           # the longest forward branch: +4094
    li a0, 0xbad
    .space 4088
far_forward:
    call puthex
    li a0, 0x20
    j far_back_entry
far_back:
    call puthex
    jal far_jump                        # 256 KiB away, and back by ret
    call puthex
    la t0, landing + 1                  # jalr clears bit 0
    jalr t0, t0, 0                      # rd = rs1: the link overwrites the target
after_jalr:
    la t1, after_jalr
    sub a0, t0, t1                      # the link is the address after the jalr: 0
    call puthex
    li a0, 3
    lw ra, 12(sp)
    addi sp, sp, 16
    ret
landing:
    jr t0
    .space 4076
far_back_entry:
    beq zero, zero, far_back            # the longest backward branch reaches -4096
    .space 0x40000
far_jump:
    li a0, 0x30
    ret
