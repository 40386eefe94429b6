# crt0: the first code a program runs, as Linux starts a static ELF
# executable (RISC-V psABI, "Process Initialization": sp points at argc,
# argv and envp follow; every other register is zero). It sets the global
# pointer the linker may relax accesses against, calls main and passes
# main's result to exit.
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    lw a0, 0(sp)            # argc
    addi a1, sp, 4          # argv
    call main
    call exit
