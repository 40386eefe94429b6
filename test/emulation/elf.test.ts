/**
 * The ELF loader: the shipped programs' segments and entry as readelf
 * (binutils-riscv64-unknown-elf) reads them, and a refusal saying what and
 * at which offset for every way a file can fail to be a static RV32I
 * executable, made by patching a real one. No hostile file crashes it.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseElf, segmentFlags, type ElfExecutable } from "../../src/emulation/elf";
import { SEGMENT_LIMIT } from "../../src/emulation/guest-space";
import { UserError } from "../../src/errors";
import { userError } from "../courseware/user-error";
import { PROGRAMS_DIR, runTool, shippedPrograms } from "./peers";

/** sieve.elf has two PT_LOADs: code, and a .bss of p_filesz 0. */
const BASE = fs.readFileSync(path.join(PROGRAMS_DIR, "sieve.elf"));
const load = (bytes: Uint8Array): ElfExecutable => parseElf(bytes, { file: "t.elf", limit: SEGMENT_LIMIT });

/** sieve.elf with little-endian fields patched: [offset, value, bytes]. */
function patched(...fields: [number, number, 1 | 2 | 4][]): Buffer {
  const b = Buffer.from(BASE);
  for (const [at, value, size] of fields) {
    if (size === 1) b.writeUInt8(value, at);
    else if (size === 2) b.writeUInt16LE(value, at);
    else b.writeUInt32LE(value >>> 0, at);
  }
  return b;
}

const PHOFF = BASE.readUInt32LE(0x1c);
/** The offset of sieve's program header number i, and of its PT_LOADs. */
const ph = (i: number): number => PHOFF + 32 * i;
const LOADS = [0, 1, 2].filter((i) => BASE.readUInt32LE(ph(i)) === 1).map(ph);

describe("parseElf", () => {
  it("reads every shipped program's PT_LOAD segments and entry as readelf does", () => {
    for (const name of shippedPrograms()) {
      const file = path.join(PROGRAMS_DIR, `${name}.elf`);
      const exe = load(fs.readFileSync(file));
      const out = runTool("riscv64-unknown-elf-readelf", ["-lhW", file]).stdout.toString("utf8");
      expect(Number(/Entry point address:\s+(0x[0-9a-f]+)/.exec(out)?.[1])).toBe(exe.entry);
      const loads = [...out.matchAll(/^\s+LOAD\s+(0x\S+)\s+(0x\S+)\s+0x\S+\s+(0x\S+)\s+(0x\S+)\s+([RWE ]+?)\s+0x/gm)].map((m) => ({
        offset: Number(m[1]), vaddr: Number(m[2]), filesz: Number(m[3]), memsz: Number(m[4]), flags: m[5].replace(/ /g, ""),
      }));
      expect(exe.segments.map((s) => ({
        offset: s.fileOffset, vaddr: s.vaddr, filesz: s.data.length, memsz: s.memsz, flags: segmentFlags(s.flags).replace(/-/g, "").replace("X", "E"),
      })), name).toEqual(loads);
    }
  });

  it("keeps p_memsz beyond p_filesz for zero-filling (sieve's .bss)", () => {
    const exe = load(fs.readFileSync(path.join(PROGRAMS_DIR, "sieve.elf")));
    const data = exe.segments[exe.segments.length - 1];
    expect(data.memsz - data.data.length).toBeGreaterThanOrEqual(20000);
  });

  const refusals: [string, Buffer, RegExp][] = [
    ["a short file", BASE.subarray(0, 40), /offset 0x28: the file is 40 bytes, shorter than an ELF header/],
    ["no magic", patched([0, 0x7e, 1]), /offset 0x0: not an ELF file/],
    ["ELFCLASS64", patched([4, 2, 1]), /offset 0x4: EI_CLASS is 2 \(ELFCLASS64\), not 1 \(ELFCLASS32\)/],
    ["big-endian", patched([5, 2, 1]), /offset 0x5: EI_DATA is 2 \(big-endian\)/],
    ["a shared object", patched([0x10, 3, 2]), /offset 0x10: e_type is 3 \(ET_DYN/],
    ["an object file", patched([0x10, 1, 2]), /offset 0x10: e_type is 1 \(ET_REL/],
    ["x86-64", patched([0x12, 62, 2]), /offset 0x12: e_machine is 62 \(EM_X86_64\), not 243 \(EM_RISCV\)/],
    ["compressed code", patched([0x24, 1, 4]), /offset 0x24: e_flags has EF_RISCV_RVC/],
    ["a hard-float ABI", patched([0x24, 4, 4]), /offset 0x24: e_flags names a hardware floating-point ABI/],
    ["RV32E", patched([0x24, 8, 4]), /offset 0x24: e_flags has EF_RISCV_RVE/],
    ["odd program header size", patched([0x2a, 40, 2]), /offset 0x2a: e_phentsize is 40, not 32/],
    ["no program headers", patched([0x2c, 0, 2]), /offset 0x2c: e_phnum is 0/],
    ["a table past the end", patched([0x1c, BASE.length - 8, 4]), /offset 0x1c: the program header table .* is not inside the file/],
    ["a huge e_phnum", patched([0x2c, 0xffff, 2]), /offset 0x2c: e_phnum is 65535, more than 64/],
    ["p_filesz > p_memsz", patched([LOADS[0] + 20, 4, 4]), new RegExp(`offset 0x${(LOADS[0] + 16).toString(16)}: PT_LOAD segment \\d: p_filesz 0x[0-9a-f]+ is larger than p_memsz 0x4`)],
    ["bytes past the end of the file", patched([LOADS[1] + 4, 0xfffff000, 4]), new RegExp(`offset 0x${(LOADS[1] + 4).toString(16)}: .* run past the end of the file`)],
    ["an oversized segment", patched([LOADS[1] + 20, 0x7fffffff, 4]), new RegExp(`offset 0x${(LOADS[1] + 8).toString(16)}: .* does not fit below 0x700000`)],
    ["a segment at the top of memory", patched([LOADS[1] + 8, 0xfffff000, 4]), /does not fit below 0x700000/],
    ["overlapping segments", patched([LOADS[1] + 8, BASE.readUInt32LE(LOADS[0] + 8) + 0x10, 4], [LOADS[1] + 28, 1, 4]), /overlaps the one before it/],
    ["unsorted segments", patched([LOADS[1] + 8, 0x1000, 4], [LOADS[1] + 28, 1, 4]), /not in ascending p_vaddr order/],
    ["p_vaddr and p_offset not congruent", patched([LOADS[1] + 8, BASE.readUInt32LE(LOADS[1] + 8) + 4, 4]), /differ modulo p_align 0x1000/],
    ["p_align not a power of two", patched([LOADS[1] + 28, 0x3000, 4]), /p_align 0x3000 is not a power of two/],
    ["an entry outside the code", patched([0x18, 0x9000, 4]), /offset 0x18: the entry point 0x9000 is not inside an executable/],
    ["a misaligned entry", patched([0x18, BASE.readUInt32LE(0x18) + 2, 4]), /offset 0x18: the entry point .* is not 4-byte aligned/],
    ["a dynamic program", patched([ph(0), 3, 4]), new RegExp(`offset 0x${ph(0).toString(16)}: program header 0 is PT_INTERP: a dynamically linked program`)],
    ["no PT_LOAD", patched(...LOADS.map((at): [number, number, 4] => [at, 6, 4])), /no PT_LOAD program header/],
  ];
  for (const [what, bytes, message] of refusals) {
    it(`refuses ${what}, saying what and where`, () => {
      const m = userError(() => load(bytes));
      expect(m).toMatch(/^t\.elf: offset 0x[0-9a-f]+: /);
      expect(m).toMatch(message);
    });
  }

  it("never crashes on a truncated or corrupted file: it loads or refuses with a UserError", () => {
    let seed = 17;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const tries: Buffer[] = [];
    for (let length = 0; length < 300; length += 3) tries.push(BASE.subarray(0, length));
    for (let i = 0; i < 1000; i++) {
      const b = Buffer.from(BASE);
      for (let k = 0; k < 4; k++) b[random(0x100)] = random(256); // the headers live in the first 256 bytes
      tries.push(b);
    }
    for (const bytes of tries) {
      try {
        const exe = load(bytes);
        for (const s of exe.segments) expect(s.vaddr + s.memsz).toBeLessThanOrEqual(SEGMENT_LIMIT);
      } catch (err) {
        expect(err).toBeInstanceOf(UserError);
      }
    }
  });
});
