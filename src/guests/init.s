# init: how the kernel starts a program that lives on the disk. For each
# program the boot configuration names by a path on the disk (`vmlab boot
# --disk IMAGE "/echo hello"`), the loader boots this stub in its place,
# with init_path and init_argv (its path and arguments) appended as data;
# the stub execs it, so the program runs as that boot process, with its
# pid. Like xv6's initcode, it is the one user code the kernel is built
# with; unlike it, there is no shell: the kernel halts when the last
# process has ended, with the number that failed as its exit code, and an
# exec that fails is one of those: the stub says so and kills itself
# (counted like a fault), for there is nothing else to run.
        .text
main:
        la   a0, init_path
        la   a1, init_argv
        call exec
        la   a0, init_cannot         # exec came back: it failed
        call print
        la   a0, init_path
        call print
        la   a0, init_why
        call print
        call getpid
        call kill
        li   a0, 127
        ret

        .data
init_cannot:    .asciz "[init] cannot exec "
init_why:       .asciz ": no such executable on the disk\n"
