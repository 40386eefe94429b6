import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isaReferenceMarkdown } from "../../src/machine/isa-doc";
import { CSR, INSTRUCTIONS } from "../../src/machine/isa";
import { PSEUDO_INSTRUCTIONS } from "../../src/machine/assembler";

describe("docs/ISA-REFERENCE.md", () => {
  const generated = isaReferenceMarkdown();

  it("is exactly what the generator produces from the table", () => {
    const committed = readFileSync(join(__dirname, "../../docs/ISA-REFERENCE.md"), "utf8");
    expect(committed === generated, "docs/ISA-REFERENCE.md is stale: run `npm run docs` and commit it").toBe(true);
  });

  it("lists every instruction with its opcode, every pseudo-instruction and CSR", () => {
    for (const i of INSTRUCTIONS) {
      expect(generated).toContain(`| \`${i.mnemonic}\` | 0x${i.opcode.toString(16).padStart(2, "0")} | ${i.format} |`);
    }
    for (const p of PSEUDO_INSTRUCTIONS) expect(generated).toContain(`| \`${p.mnemonic}`);
    for (const [name, n] of Object.entries(CSR)) expect(generated).toContain(`| \`${name}\` | ${n} |`);
  });

  it("escapes '|' inside table cells", () => {
    expect(generated).toContain("| rd = rs1 \\| rs2 |");
  });
});
