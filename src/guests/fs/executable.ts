/**
 * The TX32 executable: what `vmlab mkfs` writes for each toy32 `.s` file
 * and the kernel's exec loads (layout.ts; notes/fs-layout.md), in the
 * spirit of a.out's header (Thompson and Ritchie's a.out: magic, text
 * size, bss size, entry):
 *
 *   +0  MAGIC  "TX32"               +8   LENGTH  bytes of image after the header
 *   +4  ENTRY  entry point (virtual) +12  BSS     zero bytes to map after the image
 *   +16 image, assembled to run at USER_BASE (0x40000000)
 *
 * The image is what the loader assembles for a user program (ulib.s after
 * the program's own lines), padded to a whole number of words as the
 * loader pads it in the boot image.
 */
import { assembleUserProgram, BOOT_LAYOUT, type GuestProgram } from "../loader";
import { UserError } from "../../errors";
import { TX32, view } from "./layout";

export interface Executable {
  readonly entry: number;
  readonly image: Uint8Array;
  readonly bss: number;
}

/** Assembles `program` as the loader does and wraps it in a TX32 header. */
export function executableFromSource(program: GuestProgram): Uint8Array {
  const assembled = assembleUserProgram(program).program;
  return encodeExecutable({ entry: assembled.entry, image: assembled.image, bss: 0 });
}

export function encodeExecutable(exe: Executable): Uint8Array {
  const length = Math.ceil(exe.image.length / 4) * 4;
  const out = new Uint8Array(TX32.HEADER_BYTES + length);
  const v = view(out);
  v.setUint32(TX32.MAGIC, TX32.MAGIC_VALUE, true);
  v.setUint32(TX32.ENTRY, exe.entry >>> 0, true);
  v.setUint32(TX32.LENGTH, length, true);
  v.setUint32(TX32.BSS, exe.bss, true);
  out.set(exe.image, TX32.HEADER_BYTES);
  return out;
}

/** Parses a TX32 file; a UserError names what is wrong (`name` in messages). */
export function decodeExecutable(bytes: Uint8Array, name = "the file"): Executable {
  if (bytes.length < TX32.HEADER_BYTES) throw new UserError(`${name}: ${bytes.length} bytes, shorter than a TX32 header (${TX32.HEADER_BYTES})`);
  const v = view(bytes);
  const magic = v.getUint32(TX32.MAGIC, true);
  if (magic !== TX32.MAGIC_VALUE) throw new UserError(`${name}: +0 MAGIC 0x${magic.toString(16)} is not "TX32": not a toy32 executable`);
  const length = v.getUint32(TX32.LENGTH, true);
  if (length !== bytes.length - TX32.HEADER_BYTES) {
    throw new UserError(`${name}: +8 LENGTH says ${length} bytes of image, but ${bytes.length - TX32.HEADER_BYTES} follow the header`);
  }
  const entry = v.getUint32(TX32.ENTRY, true);
  if (entry < BOOT_LAYOUT.USER_BASE || entry >= BOOT_LAYOUT.USER_BASE + length) {
    throw new UserError(`${name}: +4 ENTRY 0x${entry.toString(16)} is outside its image (0x${BOOT_LAYOUT.USER_BASE.toString(16)}..)`);
  }
  return { entry, image: bytes.slice(TX32.HEADER_BYTES), bss: v.getUint32(TX32.BSS, true) };
}
