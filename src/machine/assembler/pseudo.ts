/**
 * Pseudo-instructions (ISA.md, "Instructions"): each is a name, its
 * operands and its expansion written as ordinary assembly over those
 * operand names. The same templates drive the assembler and the ISA
 * reference, and are checked against the instruction table when built.
 *
 * `%hi(x)` and `%lo(x)` are the upper and lower 16 bits of a 32-bit value:
 * `lui rd, %hi(x)` then `ori rd, rd, %lo(x)` loads any x, because ori
 * zero-extends.
 */
import { BY_MNEMONIC, type InstructionSpec, type Operand } from "../isa";
import { evaluate, type Expr, type Resolver } from "./expression";
import type { ParsedOperand } from "./operands";
import { registerNumber } from "./operands";

export interface PseudoSpec {
  readonly mnemonic: string;
  readonly operands: readonly Operand[];
  readonly summary: string;
  /** The expansion, one real instruction per line. */
  readonly expansion: readonly string[];
  /** A one-word form used when `when` holds in pass 1 (li only). */
  readonly short?: { readonly expansion: readonly string[]; readonly when: string };
}

export const PSEUDO_INSTRUCTIONS: readonly PseudoSpec[] = [
  {
    mnemonic: "li", operands: ["rd", "imm"], summary: "rd = imm (any 32-bit value)",
    expansion: ["lui rd, %hi(imm)", "ori rd, rd, %lo(imm)"],
    short: { expansion: ["addi rd, zero, imm"], when: "imm is known in pass 1 (no forward reference) and fits -32768..32767" },
  },
  { mnemonic: "la", operands: ["rd", "label"], summary: "rd = address of label", expansion: ["lui rd, %hi(label)", "ori rd, rd, %lo(label)"] },
  { mnemonic: "mv", operands: ["rd", "rs1"], summary: "rd = rs1", expansion: ["addi rd, rs1, 0"] },
  { mnemonic: "not", operands: ["rd", "rs1"], summary: "rd = ~rs1 (= -rs1 - 1)", expansion: ["sub rd, zero, rs1", "addi rd, rd, -1"] },
  { mnemonic: "neg", operands: ["rd", "rs1"], summary: "rd = -rs1", expansion: ["sub rd, zero, rs1"] },
  { mnemonic: "j", operands: ["label"], summary: "pc = label", expansion: ["jal zero, label"] },
  { mnemonic: "call", operands: ["label"], summary: "ra = pc + 4; pc = label", expansion: ["jal ra, label"] },
  { mnemonic: "ret", operands: [], summary: "pc = ra", expansion: ["jalr zero, ra, 0"] },
  { mnemonic: "nop", operands: [], summary: "do nothing", expansion: ["addi zero, zero, 0"] },
  { mnemonic: "push", operands: ["rs2"], summary: "sp -= 4; word at sp = rs2", expansion: ["addi sp, sp, -4", "sw rs2, 0(sp)"] },
  { mnemonic: "pop", operands: ["rd"], summary: "rd = word at sp; sp += 4", expansion: ["lw rd, 0(sp)", "addi sp, sp, 4"] },
  { mnemonic: "beqz", operands: ["rs1", "label"], summary: "if rs1 == 0: pc = label", expansion: ["beq rs1, zero, label"] },
  { mnemonic: "bnez", operands: ["rs1", "label"], summary: "if rs1 != 0: pc = label", expansion: ["bne rs1, zero, label"] },
  { mnemonic: "bgt", operands: ["rs1", "rs2", "label"], summary: "if rs1 > rs2 (signed): pc = label", expansion: ["blt rs2, rs1, label"] },
  { mnemonic: "ble", operands: ["rs1", "rs2", "label"], summary: "if rs1 <= rs2 (signed): pc = label", expansion: ["bge rs2, rs1, label"] },
];

export const PSEUDO_BY_MNEMONIC: ReadonlyMap<string, PseudoSpec> = new Map(
  PSEUDO_INSTRUCTIONS.map((p) => [p.mnemonic, p]),
);

/** One template operand: a placeholder, a literal, a half or `N(reg)`. */
type TemplateOperand =
  | { readonly kind: "placeholder"; readonly name: Operand }
  | { readonly kind: "register"; readonly value: number }
  | { readonly kind: "number"; readonly value: bigint }
  | { readonly kind: "half"; readonly half: "hi" | "lo"; readonly name: Operand }
  | { readonly kind: "mem"; readonly offset: bigint; readonly base: TemplateOperand };

interface TemplateLine {
  readonly spec: InstructionSpec;
  readonly operands: readonly TemplateOperand[];
}

function parseTemplateOperand(text: string, names: readonly Operand[]): TemplateOperand {
  const half = /^%(hi|lo)\((\w+)\)$/.exec(text);
  if (half) return { kind: "half", half: half[1] as "hi" | "lo", name: placeholder(half[2], names) };
  const mem = /^(-?\d+)\((\w+)\)$/.exec(text);
  if (mem) return { kind: "mem", offset: BigInt(mem[1]), base: parseTemplateOperand(mem[2], names) };
  if (/^-?\d+$/.test(text)) return { kind: "number", value: BigInt(text) };
  if ((names as readonly string[]).includes(text)) return { kind: "placeholder", name: text as Operand };
  const reg = registerNumber(text);
  if (reg === undefined) throw new Error(`pseudo template operand '${text}' is neither a placeholder nor a register`);
  return { kind: "register", value: reg };
}

function placeholder(name: string, names: readonly Operand[]): Operand {
  if (!(names as readonly string[]).includes(name)) throw new Error(`pseudo template names unknown operand ${name}`);
  return name as Operand;
}

/** Parses and checks a template line against the instruction table. */
function parseTemplate(line: string, names: readonly Operand[]): TemplateLine {
  const space = line.indexOf(" ");
  const mnemonic = space < 0 ? line : line.slice(0, space);
  const spec = BY_MNEMONIC.get(mnemonic);
  if (!spec) throw new Error(`pseudo template uses unknown instruction ${mnemonic}`);
  const operands = space < 0 ? [] : line.slice(space + 1).split(",").map((s) => parseTemplateOperand(s.trim(), names));
  if (operands.length !== spec.operands.length) throw new Error(`pseudo template '${line}' has the wrong operand count`);
  return { spec, operands };
}

const TEMPLATES: ReadonlyMap<string, { long: TemplateLine[]; short?: TemplateLine[] }> = new Map(
  PSEUDO_INSTRUCTIONS.map((p) => [p.mnemonic, {
    long: p.expansion.map((l) => parseTemplate(l, p.operands)),
    short: p.short?.expansion.map((l) => parseTemplate(l, p.operands)),
  }]),
);

/** A real instruction produced by an expansion, ready to encode. */
export interface Expanded {
  readonly spec: InstructionSpec;
  readonly operands: readonly ParsedOperand[];
}

/**
 * Which template a use of `pseudo` takes. Decided in pass 1, so sizes are
 * fixed before addresses are: li is short only if its value is known now.
 */
export function chooseTemplate(pseudo: PseudoSpec, operands: readonly ParsedOperand[], pass1: Resolver): "long" | "short" {
  if (!pseudo.short) return "long";
  const imm = operands[pseudo.operands.indexOf("imm")];
  if (imm?.kind !== "expr") return "long";
  let v: bigint | undefined;
  try {
    v = evaluate(imm.expr, pass1);
  } catch {
    return "long"; // the expression's own error is reported in pass 2
  }
  return v !== undefined && v >= -32768n && v <= 32767n ? "short" : "long";
}

export function expansionSize(pseudo: PseudoSpec, choice: "long" | "short"): number {
  return 4 * (choice === "short" && pseudo.short ? pseudo.short.expansion.length : pseudo.expansion.length);
}

/** The real instructions for one use, with the user's operands filled in. */
export function expand(pseudo: PseudoSpec, operands: readonly ParsedOperand[], choice: "long" | "short", column: number): Expanded[] {
  const templates = TEMPLATES.get(pseudo.mnemonic);
  if (!templates) throw new Error(`no templates for ${pseudo.mnemonic}`);
  const lines = choice === "short" && templates.short ? templates.short : templates.long;
  const byName = (name: Operand): ParsedOperand => operands[pseudo.operands.indexOf(name)];
  return lines.map((line) => ({
    spec: line.spec,
    operands: line.operands.map((t) => instantiate(t, byName, column)),
  }));
}

function instantiate(t: TemplateOperand, byName: (name: Operand) => ParsedOperand, column: number): ParsedOperand {
  switch (t.kind) {
    case "placeholder":
      return byName(t.name);
    case "register":
      return { kind: "register", value: t.value, column };
    case "number":
      return { kind: "expr", expr: { kind: "number", value: t.value, column }, column };
    case "half": {
      const source = byName(t.name);
      const operand: Expr = source.kind === "expr" ? source.expr : { kind: "number", value: 0n, column };
      return { kind: "expr", expr: { kind: "half", half: t.half, operand, column: source.column }, column: source.column };
    }
    case "mem": {
      const base = instantiate(t.base, byName, column);
      if (base.kind !== "register") throw new Error("pseudo template base is not a register");
      return { kind: "mem", offset: { kind: "number", value: t.offset, column }, base: base.value, column };
    }
    default: {
      const never: never = t;
      throw new Error(`unknown template operand ${JSON.stringify(never)}`);
    }
  }
}
