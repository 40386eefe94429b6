/** A toy32 program for a disk image: creates /out.txt holding "saved\n" (a guest's write to its disk). */
export const WRITER = [
  "main:   push ra",
  "        la   a0, p",
  "        li   a1, 0x202",
  "        call open",
  "        la   a1, text",
  "        li   a2, 6",
  "        call write",
  "        li   a0, 0",
  "        pop  ra",
  "        ret",
  "        .data",
  'p:      .asciz "/out.txt"',
  'text:   .ascii "saved\\n"',
].join("\n");
