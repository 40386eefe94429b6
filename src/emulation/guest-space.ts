/**
 * The RV32I program's address space, as an emulator gives it: GUEST_SIZE
 * bytes of guest addresses, the ELF segments low, the stack at the top.
 * Both engines keep it at GUEST_BASE in toy32 memory (interpreter/loop.s
 * draws the whole toy32 side), and check every guest address against
 * GUEST_SIZE.
 *
 *   guest address
 *   0x000000 +----------------------+
 *            | PT_LOAD segments     |  (linked at 0x10000 by GNU ld)
 *   0x700000 +----------------------+  SEGMENT_LIMIT: segments end below
 *            | stack, 1 MiB, down   |
 *   0x7fffff +----------------------+  argv[0] and the initial stack frame at the top
 *
 * The initial stack frame is Linux's for a static executable (RISC-V
 * psABI, "Process Initialization"; the System V ABI's figure "Initial
 * Process Stack"): sp (16-byte aligned) points at argc, then argv[0..argc-1],
 * a null, the environment (none) and its null, the auxiliary vector (only
 * AT_NULL); argv's strings sit above. Every register but sp starts at 0.
 */
import type { ElfExecutable } from "./elf";

export const GUEST_SIZE = 0x800000;
export const STACK_BYTES = 0x100000;
export const SEGMENT_LIMIT = GUEST_SIZE - STACK_BYTES;
/** Where guest address 0 sits in toy32 physical memory. */
export const GUEST_BASE = 0x400000;

/** Writes bytes at a guest address (the engine maps it to toy32 memory). */
export type GuestWriter = (guestAddress: number, bytes: Uint8Array) => void;

/**
 * Places the executable's segments (p_filesz bytes from the file, zeros up
 * to p_memsz) and the initial stack; returns the initial sp.
 */
export function placeExecutable(exe: ElfExecutable, write: GuestWriter, argv0: string): number {
  for (const seg of exe.segments) {
    write(seg.vaddr, seg.data);
    if (seg.memsz > seg.data.length) write(seg.vaddr + seg.data.length, new Uint8Array(seg.memsz - seg.data.length));
  }
  const name = Buffer.from(`${argv0}\0`, "utf8").subarray(0, 256);
  const nameAt = GUEST_SIZE - 16 - name.length;
  write(nameAt, name);
  // argc, argv[0], NULL, envp NULL, auxv AT_NULL (type 0, value 0)
  const frame = [1, nameAt, 0, 0, 0, 0];
  const sp = (nameAt - frame.length * 4) & ~15;
  const bytes = new Uint8Array(frame.length * 4);
  const view = new DataView(bytes.buffer);
  frame.forEach((word, i) => view.setUint32(i * 4, word, true));
  write(sp, bytes);
  return sp;
}
