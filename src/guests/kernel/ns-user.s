# ns-user.s: user namespaces: uids (user_namespaces(7)).
#
# "A process's user and group IDs can be different inside and outside a
# user namespace. In particular, a process can have a normal unprivileged
# user ID outside a user namespace while at the same time having a user ID
# of 0 inside the namespace." A new user namespace here has the map a
# parent writes for an unprivileged child, "0 OUTUID 1": uid 0 inside is
# the maker's uid outside, and no other uid is mapped. Root inside has its
# rights over what its user namespace owns (ns-uts.s: the uts namespaces
# it made) and over nothing else.

        .data
        .align 4
# ns_getuid(): the caller's uid in its user namespace.
ns_getuid:
        push ra
        mv   a0, s0
        call ns_proc_record
        lw   a0, NSP_UID(a0)
        pop  ra
        ret

# ns_setuid(uid): root (uid 0 in its user namespace) becomes uid >= 0: any
# in the root user namespace, only a mapped one (0) in another. Returns 0,
# or -1 (not root, or an unmapped uid).
ns_setuid:
        push ra
        push s1
        mv   s1, a0                 # s1 = uid
        call ns_activate            # its children must inherit it (ns_fork)
        mv   a0, s0
        call ns_proc_record
        lw   t0, NSP_UID(a0)
        bnez t0, ns_setuid_bad
        blt  s1, zero, ns_setuid_bad
        lw   t0, NSP_USERNS(a0)
        beqz t0, ns_setuid_root
        bnez s1, ns_setuid_bad      # "0 OUTUID 1" maps uid 0 alone
        j    ns_setuid_ok
ns_setuid_root:
        sw   s1, NSP_UID(a0)        # in the root user namespace the uid
        sw   s1, NSP_OUTUID(a0)     # is the one outside too
ns_setuid_ok:
        li   a0, 0
        j    ns_setuid_out
ns_setuid_bad:
        li   a0, -1
ns_setuid_out:
        pop  s1
        pop  ra
        ret
