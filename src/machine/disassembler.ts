/**
 * Words back to assembly text (STYLE.md 9: a disassembler from day one),
 * decoded through the same table the assembler encodes with. The text is
 * canonical: ABI register names, CSR names, decimal immediates except
 * where hex reads better (the zero-extended andi/ori/xori/lui), `imm(rs1)`
 * for memory, and branch/jal targets as absolute hex addresses (or a
 * label's name). Reassembling the text at the same pc gives the same word.
 */
import {
  BY_OPCODE, CSR_NAMES, REGISTER_NAMES, imm16Of, imm20Of, opOf, rdOf, rs1Of, rs2Of,
  sbRs1Of, sbRs2Of, uimm16Of, type InstructionSpec, type Operand,
} from "./isa";

const hex32 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, "0")}`;

/** One instruction's text; an undecodable word is shown as `.word`. */
export function disassemble(word: number, pc = 0, symbols?: ReadonlyMap<string, number>): string {
  const w = word >>> 0;
  const spec = BY_OPCODE[opOf(w)];
  if (!spec) return `.word ${hex32(w)}  # illegal`;
  const names = symbols ? namesByAddress(symbols) : undefined;
  const operands = spec.operands.map((kind) => operandText(spec, kind, w, pc, names));
  return operands.length === 0 ? spec.mnemonic : `${spec.mnemonic} ${operands.join(", ")}`;
}

function operandText(spec: InstructionSpec, kind: Operand, w: number, pc: number, names?: ReadonlyMap<number, string>): string {
  const sb = spec.format === "S" || spec.format === "B";
  switch (kind) {
    case "rd":
      return REGISTER_NAMES[rdOf(w)];
    case "rs1":
      return REGISTER_NAMES[sb ? sbRs1Of(w) : rs1Of(w)];
    case "rs2":
      return REGISTER_NAMES[sb ? sbRs2Of(w) : rs2Of(w)];
    case "imm":
      return spec.immediate === "zero" ? `0x${uimm16Of(w).toString(16)}` : String(imm16Of(w));
    case "mem":
      return `${imm16Of(w)}(${REGISTER_NAMES[sb ? sbRs1Of(w) : rs1Of(w)]})`;
    case "csr":
      return CSR_NAMES[uimm16Of(w)] ?? String(uimm16Of(w));
    case "label": {
      const steps = spec.format === "J" ? imm20Of(w) : imm16Of(w);
      const target = (pc + 4 * steps) >>> 0;
      return names?.get(target) ?? hex32(target);
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown operand kind ${String(never)}`);
    }
  }
}

/**
 * The first name given to each address. A trace disassembles every step
 * with the same symbols, so the reverse map is kept per map (and rebuilt
 * if the map has grown or shrunk).
 */
const reverseMaps = new WeakMap<ReadonlyMap<string, number>, { size: number; names: Map<number, string> }>();

function namesByAddress(symbols: ReadonlyMap<string, number>): Map<number, string> {
  const cached = reverseMaps.get(symbols);
  if (cached && cached.size === symbols.size) return cached.names;
  const names = new Map<number, string>();
  for (const [name, address] of symbols) if (!names.has(address >>> 0)) names.set(address >>> 0, name);
  reverseMaps.set(symbols, { size: symbols.size, names });
  return names;
}

/**
 * A whole image, one line per word, labels on lines of their own:
 *
 *   _start:
 *   00000000  10100005  addi a0, zero, 5
 */
export function disassembleImage(image: Uint8Array, origin = 0, symbols?: ReadonlyMap<string, number>): string[] {
  const names = symbols ? namesByAddress(symbols) : undefined;
  const lines: string[] = [];
  for (let i = 0; i < image.length; i += 4) {
    const address = (origin + i) >>> 0;
    const label = names?.get(address);
    if (label !== undefined) lines.push(`${label}:`);
    if (i + 4 > image.length) {
      const tail = Array.from(image.subarray(i), (b) => `0x${b.toString(16).padStart(2, "0")}`);
      lines.push(`${hex32(address).slice(2)}  ${" ".repeat(8)}  .byte ${tail.join(", ")}`);
      break;
    }
    const word = (image[i] | (image[i + 1] << 8) | (image[i + 2] << 16) | (image[i + 3] << 24)) >>> 0;
    lines.push(`${hex32(address).slice(2)}  ${hex32(word).slice(2)}  ${disassemble(word, address, symbols)}`);
  }
  return lines;
}
