/**
 * Static RV32I executables made in memory for tests: one R-X PT_LOAD of
 * code words at 0x10000 (entry there) and, if given, one RW- PT_LOAD of
 * data at 0x20000 with `bss` zero bytes after it. The header is the one
 * elf.ts reads (ELF32, little-endian, ET_EXEC, EM_RISCV, e_flags 0).
 */
import { encodeRv32, type Rv32Operands } from "../../src/emulation/rv32i";

export const CODE_AT = 0x10000;
export const DATA_AT = 0x20000;

export function tinyElf(code: readonly number[], data: Uint8Array = new Uint8Array(0), bss = 0): Buffer {
  const phnum = data.length + bss > 0 ? 2 : 1;
  const codeOffset = 0x1000, dataOffset = 0x2000;
  const file = Buffer.alloc(dataOffset + data.length);
  file.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1], 0);
  file.writeUInt16LE(2, 0x10); // ET_EXEC
  file.writeUInt16LE(243, 0x12); // EM_RISCV
  file.writeUInt32LE(1, 0x14);
  file.writeUInt32LE(CODE_AT, 0x18);
  file.writeUInt32LE(52, 0x1c);
  file.writeUInt16LE(52, 0x28);
  file.writeUInt16LE(32, 0x2a);
  file.writeUInt16LE(phnum, 0x2c);
  const segment = (at: number, offset: number, vaddr: number, filesz: number, memsz: number, flags: number): void => {
    [1, offset, vaddr, vaddr, filesz, memsz, flags, 0x1000].forEach((v, k) => file.writeUInt32LE(v, at + 4 * k));
  };
  segment(52, codeOffset, CODE_AT, code.length * 4, code.length * 4, 5);
  if (phnum === 2) segment(84, dataOffset, DATA_AT, data.length, data.length + bss, 6);
  code.forEach((w, k) => file.writeUInt32LE(w >>> 0, codeOffset + 4 * k));
  file.set(data, dataOffset);
  return file;
}

/** `mnemonic` with operands, as a word: a shorthand for encodeRv32. */
export const rv = (mnemonic: string, ops: Rv32Operands = {}): number => encodeRv32(mnemonic, ops);

/** li a7, 93; ecall: exit with a0. */
export const EXIT = [rv("addi", { rd: 17, imm: 93 }), rv("ecall")];
