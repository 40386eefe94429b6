# dirs: mkdir, chdir, relative paths, "..", and what must fail: a second
# mkdir of the same name, unlinking a directory that is not empty, a path
# through a file, a name longer than 27 bytes.
# disk: disk
# expect: mkdir /work: 0
# expect: mkdir /work again: -1
# expect: chdir work: 0
# expect: mkdir sub: 0
# expect: create sub/f: 3
# expect: open /work/sub/f: 5
# expect: chdir ..: 0
# expect: open work/sub/f: 6
# expect: open docs/readme.txt: a nested file
# expect: unlink /work/sub (not empty): -1
# expect: open /work/sub/f/x (through a file): -1
# expect: open of a 28-byte name: -1
# expect: unlink /work/sub/f: 0
# expect: unlink /work/sub: 0
# expect: chdir /work/sub (gone): -1
# file: /work/note = in work\n
        .equ O_RDONLY, 0
        .equ O_RDWR,   2
        .equ O_CREATE, 0x200
        .text
main:
        push ra
        la   a0, p_work
        call mkdir
        la   a1, s_mkdir
        call report
        la   a0, p_work
        call mkdir
        la   a1, s_mkdir_again
        call report
        la   a0, p_work_rel
        call chdir
        la   a1, s_chdir
        call report
        la   a0, p_sub
        call mkdir
        la   a1, s_mkdir_sub
        call report
        la   a0, p_sub_f
        li   a1, O_CREATE | O_RDWR
        call open
        la   a1, s_create
        call report
        la   a0, p_note_rel         # /work/note, for the host
        li   a1, O_CREATE | O_RDWR
        call open
        la   a1, note
        li   a2, note_end - note
        call write
        la   a0, p_abs_f
        li   a1, O_RDONLY
        call open
        la   a1, s_open_abs
        call report
        la   a0, p_dotdot
        call chdir
        la   a1, s_chdir_up
        call report
        la   a0, p_rel_f
        li   a1, O_RDONLY
        call open
        la   a1, s_open_rel
        call report
        la   a0, p_readme
        li   a1, O_RDONLY
        call open
        la   a1, buf
        li   a2, 60
        call read
        la   t0, buf
        add  t0, t0, a0
        sb   zero, 0(t0)
        la   a0, s_readme
        call print
        la   a0, buf
        call print
        la   a0, p_abs_sub
        call unlink
        la   a1, s_unlink_full
        call report
        la   a0, p_through
        li   a1, O_RDONLY
        call open
        la   a1, s_through
        call report
        la   a0, p_long
        li   a1, O_CREATE | O_RDWR
        call open
        la   a1, s_long
        call report
        la   a0, p_abs_f
        call unlink
        la   a1, s_unlink_f
        call report
        la   a0, p_abs_sub
        call unlink
        la   a1, s_unlink_sub
        call report
        la   a0, p_abs_sub
        call chdir
        la   a1, s_chdir_gone
        call report
        li   a0, 0
        pop  ra
        ret

        .data
p_work:      .asciz "/work"
p_work_rel:  .asciz "work"
p_sub:       .asciz "sub"
p_sub_f:     .asciz "sub/f"
p_note_rel:  .asciz "./note"
p_abs_f:     .asciz "/work/sub/f"
p_abs_sub:   .asciz "/work/sub"
p_dotdot:    .asciz ".."
p_rel_f:     .asciz "work/sub/f"
p_readme:    .asciz "docs/readme.txt"
p_through:   .asciz "/work/sub/f/x"
p_long:      .asciz "/abcdefghijklmnopqrstuvwxyz01"
note:        .ascii "in work\n"
note_end:
s_mkdir:       .asciz "mkdir /work: "
s_mkdir_again: .asciz "mkdir /work again: "
s_chdir:       .asciz "chdir work: "
s_mkdir_sub:   .asciz "mkdir sub: "
s_create:      .asciz "create sub/f: "
s_open_abs:    .asciz "open /work/sub/f: "
s_chdir_up:    .asciz "chdir ..: "
s_open_rel:    .asciz "open work/sub/f: "
s_readme:      .asciz "open docs/readme.txt: "
s_unlink_full: .asciz "unlink /work/sub (not empty): "
s_through:     .asciz "open /work/sub/f/x (through a file): "
s_long:        .asciz "open of a 28-byte name: "
s_unlink_f:    .asciz "unlink /work/sub/f: "
s_unlink_sub:  .asciz "unlink /work/sub: "
s_chdir_gone:  .asciz "chdir /work/sub (gone): "
        .align 4
buf:         .space 64
