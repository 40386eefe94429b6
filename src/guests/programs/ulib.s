# ulib: the C runtime of toy32's user programs. The loader appends this
# file to every program in this directory, so a program only writes `main`
# (and returns its exit code in a0) and calls the routines below.
#
# System calls (src/guests/kernel.s): a0 = number, a1..a3 = arguments,
# result in a0; every register but a0 and k0 survives a `sys`. The
# routines below follow the usual convention: a0..a3 arguments and
# results, t0..t4 scratch, s0..s2 kept, ra the return address.

        .equ SYS_EXIT,   1
        .equ SYS_WRITE,  2
        .equ SYS_GETPID, 3
        .equ SYS_YIELD,  4
        .equ SYS_SBRK,   5
        .equ SYS_PUTC,   6
        .equ SYS_UPTIME, 7
        .equ SYS_SLEEP,  8
        .equ SYS_FORK,   9
        .equ SYS_WAIT,   10
        .equ SYS_KILL,   11
        .equ SYS_OPEN,   12
        .equ SYS_READ,   13
        .equ SYS_CLOSE,  14
        .equ SYS_MKDIR,  15
        .equ SYS_UNLINK, 16
        .equ SYS_FSTAT,  17
        .equ SYS_CHDIR,  18
        .equ SYS_EXEC,   19
        .equ SYS_BOOTEXEC, 20           # init's (src/guests/init.s)
# Namespaces (src/guests/kernel/ns-syscall.s), 21..40 (reserved for containers):
        .equ SYS_CLONE,  21             # clone(flags): fork into new namespaces
        .equ SYS_UNSHARE, 22            # unshare(flags)
        .equ SYS_SETHOSTNAME, 23        # sethostname(buf, len)
        .equ SYS_GETHOSTNAME, 24        # gethostname(buf, len) -> length
        .equ SYS_GETUID, 25             # getuid() -> uid in its user namespace
        .equ SYS_SETUID, 26             # setuid(uid)
        .equ SYS_CG_CREATE, 27          # cg_create() -> group (resource groups)
        .equ SYS_CG_ATTACH, 28          # cg_attach(group, pid)
        .equ SYS_CG_SET, 29             # cg_set(group, key, value)
        .equ SYS_CG_GET, 30             # cg_get(group, key) -> value
        .equ CG_PIDS_MAX, 1             # the keys
        .equ CG_PIDS_CURRENT, 2
# clone's and unshare's flags, Linux's values (linux/sched.h):
        .equ CLONE_NEWUTS,  0x04000000
        .equ CLONE_NEWUSER, 0x10000000
        .equ CLONE_NEWPID,  0x20000000
# open's flags (xv6's): one of O_RDONLY 0, O_WRONLY 1, O_RDWR 2, with
# O_CREATE 0x200 (make the file if missing) and O_TRUNC 0x400 (empty it).

        .text
# _start: the entry point: runs main, then exits with what it returned.
# A program exec started gets main(argc, argv) in a0, a1 (kernel/exec.s).
_start:
        call main
        call exit

# exit(code): ends the process; does not return.
exit:
        mv   a1, a0
        li   a0, SYS_EXIT
        sys

# write(fd, buf, n) -> n, or -1.
write:
        mv   a3, a2
        mv   a2, a1
        mv   a1, a0
        li   a0, SYS_WRITE
        sys
        ret

# getpid() -> pid.
getpid:
        li   a0, SYS_GETPID
        sys
        ret

# yield() -> 0: lets the next process run.
yield:
        li   a0, SYS_YIELD
        sys
        ret

# sbrk(n) -> the old end of the heap (the start of the n new bytes), or -1.
sbrk:
        mv   a1, a0
        li   a0, SYS_SBRK
        sys
        ret

# putc(c): one character to the console.
putc:
        mv   a1, a0
        li   a0, SYS_PUTC
        sys
        ret

# uptime() -> the machine's cycle counter.
uptime:
        li   a0, SYS_UPTIME
        sys
        ret

# sleep(n) -> 0: sleeps at least n cycles (-1 if the timer is off).
sleep:
        mv   a1, a0
        li   a0, SYS_SLEEP
        sys
        ret

# fork() -> the child's pid in the parent, 0 in the child, -1 if none was made.
fork:
        li   a0, SYS_FORK
        sys
        ret

# wait() -> an exited child's pid, its exit status in a1; -1 with no child.
wait:
        li   a0, SYS_WAIT
        sys
        ret

# kill(pid) -> 0, or -1 if no live process has that pid.
kill:
        mv   a1, a0
        li   a0, SYS_KILL
        sys
        ret

# open(path, flags) -> a descriptor (3 and up), or -1.
open:
        mv   a2, a1
        mv   a1, a0
        li   a0, SYS_OPEN
        sys
        ret

# read(fd, buf, n) -> bytes read, 0 at the end of the file, or -1.
read:
        mv   a3, a2
        mv   a2, a1
        mv   a1, a0
        li   a0, SYS_READ
        sys
        ret

# close(fd) -> 0, or -1.
close:
        mv   a1, a0
        li   a0, SYS_CLOSE
        sys
        ret

# mkdir(path) -> 0, or -1.
mkdir:
        mv   a1, a0
        li   a0, SYS_MKDIR
        sys
        ret

# unlink(path) -> 0, or -1.
unlink:
        mv   a1, a0
        li   a0, SYS_UNLINK
        sys
        ret

# fstat(fd, st) -> 0, or -1; st (16 bytes): type (1 dir, 2 file), links,
# size, inode number.
fstat:
        mv   a2, a1
        mv   a1, a0
        li   a0, SYS_FSTAT
        sys
        ret

# chdir(path) -> 0, or -1.
chdir:
        mv   a1, a0
        li   a0, SYS_CHDIR
        sys
        ret

# exec(path, argv) -> -1 if it failed; on success the program runs in
# this process, main(argc, argv) (argv: string pointers ending in 0).
exec:
        mv   a2, a1
        mv   a1, a0
        li   a0, SYS_EXEC
        sys
        ret

# strlen(s) -> the length of the NUL-terminated string s.
strlen:
        mv   t0, a0
strlen_loop:
        lbu  t1, 0(t0)
        beqz t1, strlen_done
        addi t0, t0, 1
        j    strlen_loop
strlen_done:
        sub  a0, t0, a0
        ret

# print(s): writes the NUL-terminated string s to the console (fd 1).
print:
        push ra
        push a0
        call strlen
        mv   a2, a0
        pop  a1
        li   a0, 1
        call write
        pop  ra
        ret

# print_dec(n): writes the signed number n in decimal.
print_dec:
        push ra
        addi sp, sp, -16
        addi t2, sp, 15
        sb   zero, 0(t2)            # the digits go right to left
        mv   t3, a0                 # t3 = the sign
        li   t1, 10
print_dec_loop:
        rem  t0, a0, t1
        bge  t0, zero, print_dec_digit
        neg  t0, t0                 # a negative number's remainders are <= 0
print_dec_digit:
        addi t0, t0, '0'
        addi t2, t2, -1
        sb   t0, 0(t2)
        div  a0, a0, t1
        bnez a0, print_dec_loop
        bge  t3, zero, print_dec_out
        li   t0, '-'
        addi t2, t2, -1
        sb   t0, 0(t2)
print_dec_out:
        mv   a0, t2
        call print
        addi sp, sp, 16
        pop  ra
        ret

# print_hex(n): writes n as 0x and 8 hex digits.
print_hex:
        push ra
        addi sp, sp, -12
        li   t0, '0'
        sb   t0, 0(sp)
        li   t0, 'x'
        sb   t0, 1(sp)
        sb   zero, 10(sp)
        li   t0, 28
        addi t2, sp, 2
print_hex_loop:
        shr  t1, a0, t0
        andi t1, t1, 15
        slti t3, t1, 10
        bnez t3, print_hex_digit
        addi t1, t1, 'a' - '0' - 10
print_hex_digit:
        addi t1, t1, '0'
        sb   t1, 0(t2)
        addi t2, t2, 1
        addi t0, t0, -4
        bge  t0, zero, print_hex_loop
        mv   a0, sp
        call print
        addi sp, sp, 12
        pop  ra
        ret
