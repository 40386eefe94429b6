/**
 * The RV32I table: every instruction of the shipped programs decodes,
 * disassembles as GNU objdump -M no-aliases prints it, and encodes back
 * to the same word; words RV32I does not define decode to nothing.
 */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { RV32I, decodeRv32, disassembleRv32, encodeRv32 } from "../../src/emulation/rv32i";
import { PROGRAMS_DIR, runTool, shippedPrograms } from "./peers";

describe("the RV32I table", () => {
  it("disassembles every instruction of the shipped programs as objdump does, and encodes it back", () => {
    let checked = 0;
    const mnemonics = new Set<string>();
    for (const name of shippedPrograms()) {
      const dump = runTool("riscv64-unknown-elf-objdump", ["-d", "-M", "no-aliases", path.join(PROGRAMS_DIR, `${name}.elf`)]).stdout.toString("utf8");
      for (const m of dump.matchAll(/^\s+([0-9a-f]+):\s+([0-9a-f]{8})[ \t]+(\S+)(?:[ \t]+(\S+))?/gm)) {
        const [, at, hex, mnemonic, operands] = m;
        const word = parseInt(hex, 16), pc = parseInt(at, 16);
        const decoded = decodeRv32(word);
        if (mnemonic === "unimp" || mnemonic.startsWith(".")) continue;
        expect(decoded, `${name}: ${m[0]}`).toBeDefined();
        const expected = `${mnemonic}${operands && !["fence", "fence.i"].includes(mnemonic) ? ` ${operands}` : ""}`;
        expect(disassembleRv32(word, pc), `${name} at ${at}`).toBe(expected);
        const d = decoded!;
        expect(encodeRv32(d.spec.mnemonic, d)).toBe(word);
        mnemonics.add(mnemonic);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(mnemonics.size).toBeGreaterThan(25);
  });

  it("round-trips every instruction through encode and decode at edge operands", () => {
    for (const spec of RV32I) {
      const imm = { R: 0, I: -2048, S: 2047, B: -4096, U: 0x80000000 | 0, J: 0xffffe }[spec.format];
      const ops = { rd: spec.format === "S" || spec.format === "B" ? 0 : 31, rs1: spec.format === "U" || spec.format === "J" ? 0 : 17, rs2: spec.format === "R" || spec.format === "S" || spec.format === "B" ? 9 : 0, imm };
      const d = decodeRv32(encodeRv32(spec.mnemonic, spec.class === "system" || spec.class === "fence" ? {} : ops));
      expect(d?.spec.mnemonic).toBe(spec.mnemonic);
    }
  });

  it("decodes nothing RV32I lacks: M's mul, a compressed word, the zero word, a CSR access", () => {
    for (const word of [0x02b50533, 0x00000001, 0x00000000, 0xffffffff, 0xc0002573, 0x30200073]) expect(decodeRv32(word)).toBeUndefined();
  });
});
