# ns-uts.s: uts namespaces: the hostname (namespaces(7): "UTS namespaces
# provide isolation of two system identifiers: the hostname and the NIS
# domain name"; here the hostname).
#
# "Changes made to these identifiers are visible to all other processes
# in the same UTS namespace, but are not visible to processes in other
# UTS namespaces" (uts_namespaces(7)). A new one starts as a copy of its
# maker's hostname. Changing it needs root in the user namespace that owns
# it (its maker's), or root in the root user namespace: so a container's
# root, root only inside its own user namespace, cannot rename the host.
#
# Uts record (uts_host, the host's, then uts_table; UTS_SIZE bytes; free
# again once no live process is in it):
#
#   +0 OWNER  the user namespace that owns it
#   +4 NAME   the hostname, NUL-terminated, at most HOSTNAME_MAX bytes

        .equ UTS_OWNER,       0
        .equ UTS_NAME,        4
        .equ HOSTNAME_MAX,    15
        .equ UTS_SIZE,        20
        .equ NUTSNS,          16

        .data
        .align 4
# ns_uts_of: a0 = a per-process record. Returns a0 = its uts namespace.
ns_uts_of:
        lw   a0, NSP_UTSNS(a0)
        bnez a0, ns_uts_of_out
        la   a0, uts_host
ns_uts_of_out:
        ret

# ns_uts_alloc: returns a0 = a free uts record, or 0. Keeps s0..s2.
ns_uts_alloc:
        push ra
        push s1
        la   s1, uts_table
ns_uts_alloc_loop:
        mv   a0, s1
        li   a1, NSP_UTSNS
        li   a2, NSP_UTSNS
        call ns_in_use
        beqz a0, ns_uts_alloc_found
        addi s1, s1, UTS_SIZE
        la   t0, uts_table + NUTSNS * UTS_SIZE
        bne  s1, t0, ns_uts_alloc_loop
        li   s1, 0
ns_uts_alloc_found:
        mv   a0, s1
        pop  s1
        pop  ra
        ret

# ns_uts_init: a0 = a free uts record, a1 = the uts namespace to copy (0:
# the host's), a2 = its owner. Returns a0 = the record. Clobbers t0, t1.
ns_uts_init:
        sw   a2, UTS_OWNER(a0)
        bnez a1, ns_uts_init_copy
        la   a1, uts_host
ns_uts_init_copy:
        li   t1, 0
ns_uts_init_loop:
        add  t0, a1, t1
        lw   t0, UTS_NAME(t0)
        add  a2, a0, t1
        sw   t0, UTS_NAME(a2)
        addi t1, t1, 4
        li   t0, UTS_SIZE - UTS_NAME
        bne  t1, t0, ns_uts_init_loop
        ret

# ns_uts_may_change: returns a0 = the caller's (s0) uts namespace if it
# may change it, else 0.
ns_uts_may_change:
        push ra
        mv   a0, s0
        call ns_proc_record
        lw   t0, NSP_UID(a0)
        bnez t0, ns_uts_may_not     # not root in its user namespace
        lw   t1, NSP_USERNS(a0)
        call ns_uts_of
        beqz t1, ns_uts_may_out     # root of the root user namespace
        lw   t0, UTS_OWNER(a0)
        beq  t0, t1, ns_uts_may_out # root of the owner
ns_uts_may_not:
        li   a0, 0
ns_uts_may_out:
        pop  ra
        ret

# ns_sethostname(buf, len): the caller's uts namespace is named by the len
# bytes at buf (0 <= len <= HOSTNAME_MAX). Returns 0, or -1 (no right, a
# bad length or a buffer not the caller's to read).
ns_sethostname:
        push ra
        push s1
        push s2
        mv   s1, a0                 # s1 = buf
        mv   s2, a1                 # s2 = len
        li   t0, HOSTNAME_MAX
        bltu t0, s2, ns_sethostname_bad
        beqz s2, ns_sethostname_checked
        call ns_user_readable
        beqz a0, ns_sethostname_bad
ns_sethostname_checked:
        call ns_uts_may_change
        beqz a0, ns_sethostname_bad
        addi a0, a0, UTS_NAME
        add  t1, s1, s2
ns_sethostname_copy:
        beq  s1, t1, ns_sethostname_end
        lbu  t0, 0(s1)
        sb   t0, 0(a0)
        addi s1, s1, 1
        addi a0, a0, 1
        j    ns_sethostname_copy
ns_sethostname_end:
        sb   zero, 0(a0)
        li   a0, 0
        j    ns_sethostname_out
ns_sethostname_bad:
        li   a0, -1
ns_sethostname_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# ns_gethostname(buf, len): copies the caller's hostname with its NUL to
# buf if it fits in len bytes. Returns its length, or -1.
ns_gethostname:
        push ra
        push s1
        push s2
        mv   s1, a0                 # s1 = buf
        mv   s2, a1                 # s2 = len
        mv   a0, s0
        call ns_proc_record
        call ns_uts_of
        addi a0, a0, UTS_NAME
        push a0                     # the name
        li   t1, 0
ns_gethostname_length:
        add  t0, a0, t1
        lbu  t0, 0(t0)
        addi t1, t1, 1
        bnez t0, ns_gethostname_length
        bltu s2, t1, ns_gethostname_bad    # with its NUL
        mv   s2, t1                 # s2 = the bytes to copy
        mv   a0, s1
        mv   a1, s2
        call ns_user_readable
        beqz a0, ns_gethostname_bad
        mv   a0, s1
        mv   a1, s2
        call user_writable          # its own copy of a shared page
        beqz a0, ns_gethostname_bad
        pop  a1
        li   t1, 0
ns_gethostname_copy:
        add  t0, a1, t1
        lbu  t0, 0(t0)
        add  a0, s1, t1
        sb   t0, 0(a0)
        addi t1, t1, 1
        bne  t1, s2, ns_gethostname_copy
        addi a0, s2, -1             # its length
        j    ns_gethostname_out
ns_gethostname_bad:
        pop  a0
        li   a0, -1
ns_gethostname_out:
        pop  s2
        pop  s1
        pop  ra
        ret

# ns_user_readable: a0 = a user address, a1 = a length (1..PAGE_SIZE).
# Returns a0 = 1 once both ends' pages are the caller's and resident (as
# sys_write does: user_range_ok, user_page_resident), else 0.
ns_user_readable:
        push ra
        push s1
        push s2
        mv   s1, a0
        add  s2, a0, a1
        addi s2, s2, -1             # s2 = the last byte
        call user_range_ok
        beqz a0, ns_user_readable_out
        mv   a0, s1
        call user_page_resident
        beqz a0, ns_user_readable_out
        mv   a0, s2
        call user_page_resident
ns_user_readable_out:
        pop  s2
        pop  s1
        pop  ra
        ret

        .align 4
uts_host:       .word 0             # owned by the root user namespace
                .asciz "toy32"
                .space UTS_SIZE - UTS_NAME - 6
uts_table:      .space NUTSNS * UTS_SIZE
