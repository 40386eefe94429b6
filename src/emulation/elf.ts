/**
 * An ELF32 loader for static RV32I executables (System V ABI, "Object
 * Files" and "Program Loading"; the RISC-V ELF psABI for e_machine and
 * e_flags). Only what `exec` of a static Linux executable needs: the ELF
 * header, the program header table, PT_LOAD segments and the entry point.
 * Section headers are not read (a loader needs none).
 *
 * Every field is checked before it is used, and a refusal is a UserError
 * naming the file, the offset of the field and what was wrong with it: a
 * hostile file can make the loader refuse, never crash or allocate more
 * than the address space it is loaded into.
 *
 *   Elf32_Ehdr (52 bytes)                    Elf32_Phdr (32 bytes)
 *   0x00 e_ident[16]  7f 'E' 'L' 'F',        0x00 p_type    PT_LOAD = 1
 *        [4] class, [5] data, [6] version    0x04 p_offset  in the file
 *   0x10 e_type       ET_EXEC = 2            0x08 p_vaddr   in memory
 *   0x12 e_machine    EM_RISCV = 243         0x0c p_paddr   (ignored)
 *   0x14 e_version    1                      0x10 p_filesz  bytes from the file
 *   0x18 e_entry                             0x14 p_memsz   >= p_filesz; the rest is zero
 *   0x1c e_phoff      program headers        0x18 p_flags   PF_X 1, PF_W 2, PF_R 4
 *   0x20 e_shoff                             0x1c p_align
 *   0x24 e_flags      RVC 1, float ABI 6, RVE 8
 *   0x28 e_ehsize  0x2a e_phentsize  0x2c e_phnum
 */
import { UserError } from "../errors";

export const ELF_HEADER_BYTES = 52;
export const PROGRAM_HEADER_BYTES = 32;
export const EM_RISCV = 243;
export const ET_EXEC = 2;
export const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
export const PF = { X: 1, W: 2, R: 4 } as const;
/** RISC-V e_flags (psABI "File Header"): compressed code, a hardware float ABI, the E base. */
const EF_RISCV_RVC = 0x1;
const EF_RISCV_FLOAT_ABI = 0x6;
const EF_RISCV_RVE = 0x8;
/** More program headers than any static executable has: a hostile e_phnum is refused, not looped over. */
const MAX_PROGRAM_HEADERS = 64;

const MACHINE_NAMES: Readonly<Record<number, string>> = { 3: "EM_386", 8: "EM_MIPS", 40: "EM_ARM", 62: "EM_X86_64", 183: "EM_AARCH64" };
const TYPE_NAMES: Readonly<Record<number, string>> = { 0: "ET_NONE", 1: "ET_REL (an object file, not linked)", 3: "ET_DYN (a shared object or PIE)", 4: "ET_CORE" };

/** One PT_LOAD segment: `data` (p_filesz bytes) at `vaddr`, zero-filled up to `memsz`. */
export interface ElfSegment {
  readonly vaddr: number;
  readonly memsz: number;
  readonly data: Uint8Array;
  /** PF_R | PF_W | PF_X. */
  readonly flags: number;
  /** Where its program header sits in the file. */
  readonly headerOffset: number;
  readonly fileOffset: number;
}

export interface ElfExecutable {
  readonly file: string;
  readonly entry: number;
  readonly segments: readonly ElfSegment[];
}

export interface ElfLoadOptions {
  /** The name errors give. */
  readonly file: string;
  /** Segments must lie below this guest address (the address space less its stack). */
  readonly limit: number;
}

/** Parses and checks a static RV32I executable; refuses anything else with what and where. */
export function parseElf(bytes: Uint8Array, options: ElfLoadOptions): ElfExecutable {
  const { file, limit } = options;
  const refuse = (offset: number, what: string): never => {
    throw new UserError(`${file}: offset 0x${offset.toString(16)}: ${what}`, "vmlab emulate runs static RV32I executables (riscv64-unknown-elf-gcc -march=rv32i -mabi=ilp32 -static)");
  };
  if (bytes.length < ELF_HEADER_BYTES) refuse(bytes.length, `the file is ${bytes.length} bytes, shorter than an ELF header (52)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u8 = (at: number): number => view.getUint8(at);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);

  if (u8(0) !== 0x7f || u8(1) !== 0x45 || u8(2) !== 0x4c || u8(3) !== 0x46) refuse(0, "not an ELF file (no \\x7fELF magic)");
  if (u8(4) !== 1) refuse(4, `EI_CLASS is ${u8(4)}${u8(4) === 2 ? " (ELFCLASS64)" : ""}, not 1 (ELFCLASS32)`);
  if (u8(5) !== 1) refuse(5, `EI_DATA is ${u8(5)}${u8(5) === 2 ? " (big-endian)" : ""}, not 1 (ELFDATA2LSB, little-endian)`);
  if (u8(6) !== 1) refuse(6, `EI_VERSION is ${u8(6)}, not 1 (EV_CURRENT)`);
  const type = u16(0x10);
  if (type !== ET_EXEC) refuse(0x10, `e_type is ${type}${TYPE_NAMES[type] ? ` (${TYPE_NAMES[type]})` : ""}, not 2 (ET_EXEC, a static executable)`);
  const machine = u16(0x12);
  if (machine !== EM_RISCV) refuse(0x12, `e_machine is ${machine}${MACHINE_NAMES[machine] ? ` (${MACHINE_NAMES[machine]})` : ""}, not 243 (EM_RISCV)`);
  if (u32(0x14) !== 1) refuse(0x14, `e_version is ${u32(0x14)}, not 1`);
  const flags = u32(0x24);
  if (flags & EF_RISCV_RVC) refuse(0x24, "e_flags has EF_RISCV_RVC: the code uses compressed instructions (C), which RV32I lacks");
  if (flags & EF_RISCV_FLOAT_ABI) refuse(0x24, "e_flags names a hardware floating-point ABI (F or D), not ilp32");
  if (flags & EF_RISCV_RVE) refuse(0x24, "e_flags has EF_RISCV_RVE: an RV32E program, not RV32I");
  if (u16(0x28) !== ELF_HEADER_BYTES) refuse(0x28, `e_ehsize is ${u16(0x28)}, not 52`);

  const phoff = u32(0x1c), phentsize = u16(0x2a), phnum = u16(0x2c);
  if (phentsize !== PROGRAM_HEADER_BYTES) refuse(0x2a, `e_phentsize is ${phentsize}, not 32`);
  if (phnum === 0) refuse(0x2c, "e_phnum is 0: no program headers, nothing to load");
  if (phnum > MAX_PROGRAM_HEADERS) refuse(0x2c, `e_phnum is ${phnum}, more than ${MAX_PROGRAM_HEADERS} program headers`);
  if (phoff < ELF_HEADER_BYTES || phoff + phnum * PROGRAM_HEADER_BYTES > bytes.length) {
    refuse(0x1c, `the program header table (e_phoff 0x${phoff.toString(16)}, ${phnum} entries) is not inside the file (${bytes.length} bytes) after the ELF header`);
  }

  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * PROGRAM_HEADER_BYTES;
    const ptype = u32(at);
    if (ptype === PT_INTERP || ptype === PT_DYNAMIC) refuse(at, `program header ${i} is ${ptype === PT_INTERP ? "PT_INTERP" : "PT_DYNAMIC"}: a dynamically linked program (link it with -static)`);
    if (ptype !== PT_LOAD) continue;
    segments.push(loadSegment(bytes, view, at, i, limit, refuse));
  }
  if (segments.length === 0) refuse(phoff, "no PT_LOAD program header: nothing to load");
  for (let i = 1; i < segments.length; i++) {
    const before = segments[i - 1], seg = segments[i];
    // System V ABI: "loadable segment entries ... appear in ascending order, sorted on the p_vaddr member".
    if (seg.vaddr < before.vaddr) refuse(seg.headerOffset + 8, `PT_LOAD segments are not in ascending p_vaddr order (0x${seg.vaddr.toString(16)} after 0x${before.vaddr.toString(16)})`);
    if (seg.vaddr < before.vaddr + before.memsz) {
      refuse(seg.headerOffset + 8, `PT_LOAD segment at 0x${seg.vaddr.toString(16)} overlaps the one before it (0x${before.vaddr.toString(16)}..0x${(before.vaddr + before.memsz).toString(16)})`);
    }
  }
  const entry = u32(0x18);
  const home = segments.find((s) => entry >= s.vaddr && entry < s.vaddr + s.memsz);
  if (home === undefined || (home.flags & PF.X) === 0) refuse(0x18, `the entry point 0x${entry.toString(16)} is not inside an executable (PF_X) PT_LOAD segment`);
  if (entry % 4 !== 0) refuse(0x18, `the entry point 0x${entry.toString(16)} is not 4-byte aligned (RV32I has no 2-byte instructions)`);
  return { file, entry, segments };
}

function loadSegment(bytes: Uint8Array, view: DataView, at: number, index: number, limit: number, refuse: (offset: number, what: string) => never): ElfSegment {
  const offset = view.getUint32(at + 4, true), vaddr = view.getUint32(at + 8, true);
  const filesz = view.getUint32(at + 16, true), memsz = view.getUint32(at + 20, true);
  const flags = view.getUint32(at + 24, true), align = view.getUint32(at + 28, true);
  const name = `PT_LOAD segment ${index}`;
  if (filesz > memsz) refuse(at + 16, `${name}: p_filesz 0x${filesz.toString(16)} is larger than p_memsz 0x${memsz.toString(16)}`);
  if (offset + filesz > bytes.length) refuse(at + 4, `${name}: its bytes (p_offset 0x${offset.toString(16)}, p_filesz 0x${filesz.toString(16)}) run past the end of the file (${bytes.length} bytes)`);
  if (vaddr + memsz > limit) {
    refuse(at + 8, `${name}: 0x${vaddr.toString(16)}..0x${(vaddr + memsz).toString(16)} does not fit below 0x${limit.toString(16)}, where the emulator's address space (less its stack) ends`);
  }
  // System V ABI: "p_vaddr should equal p_offset, modulo p_align" (a power of two; 0 and 1 mean none).
  if (align > 1 && (align & (align - 1)) !== 0) refuse(at + 28, `${name}: p_align 0x${align.toString(16)} is not a power of two`);
  if (align > 1 && vaddr % align !== offset % align) refuse(at + 8, `${name}: p_vaddr 0x${vaddr.toString(16)} and p_offset 0x${offset.toString(16)} differ modulo p_align 0x${align.toString(16)}`);
  return { vaddr, memsz, flags, data: bytes.subarray(offset, offset + filesz), headerOffset: at, fileOffset: offset };
}

/** "R-X" style flags, as readelf prints them. */
export function segmentFlags(flags: number): string {
  return `${flags & PF.R ? "R" : "-"}${flags & PF.W ? "W" : "-"}${flags & PF.X ? "X" : "-"}`;
}
