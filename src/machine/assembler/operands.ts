/**
 * Operands as written (isa.ts `Operand`): registers by number or ABI name,
 * CSRs by name or number, immediates and labels as expressions, and the
 * `imm(rs1)` form of loads and stores (`(rs1)` alone means offset 0).
 */
import { CSR, CSR_NAMES, REGISTER_NAMES, type Operand } from "../isa";
import { LineError, didYouMean } from "./diagnostics";
import { parseExpression, type Expr } from "./expression";
import type { Token } from "./lexer";

export type ParsedOperand =
  | { readonly kind: "register"; readonly value: number; readonly column: number }
  | { readonly kind: "expr"; readonly expr: Expr; readonly column: number }
  | { readonly kind: "mem"; readonly offset: Expr; readonly base: number; readonly column: number };

/** One comma-separated operand: its tokens and where it starts. */
export interface OperandText {
  readonly tokens: readonly Token[];
  readonly column: number;
}

/** How each operand kind is written, for "add takes rd, rs1, rs2". */
export function operandSyntax(kind: Operand): string {
  switch (kind) {
    case "mem": return "imm(rs1)";
    case "csr": return "CSR";
    default: return kind;
  }
}

/** Splits tokens at the commas that are not inside parentheses. */
export function splitOperands(tokens: readonly Token[], column: number): OperandText[] {
  const result: OperandText[] = [];
  let current: Token[] = [];
  let depth = 0;
  let start = tokens[0]?.column ?? column;
  for (const t of tokens) {
    if (t.kind === "punct" && t.text === "(") depth++;
    if (t.kind === "punct" && t.text === ")") depth--;
    if (t.kind === "punct" && t.text === "," && depth === 0) {
      if (current.length === 0) throw new LineError(t.column, "missing operand before ','");
      result.push({ tokens: current, column: start });
      current = [];
      start = t.column + 1;
      continue;
    }
    if (current.length === 0) start = t.column;
    current.push(t);
  }
  if (current.length > 0) result.push({ tokens: current, column: start });
  else if (tokens.length > 0) throw new LineError(start, "missing operand after ','");
  return result;
}

const REGISTER_BY_NAME: ReadonlyMap<string, number> = new Map([
  ...REGISTER_NAMES.map((name, i) => [name, i] as const),
  ...REGISTER_NAMES.map((_, i) => [`r${i}`, i] as const),
]);

/** A register number from `r5` or `t0`; undefined if the word is none. */
export function registerNumber(word: string): number | undefined {
  return REGISTER_BY_NAME.get(word.toLowerCase());
}

export function parseRegister(text: OperandText): number {
  const t = text.tokens[0];
  if (text.tokens.length === 1 && t.kind === "ident") {
    const n = registerNumber(t.text);
    if (n !== undefined) return n;
    if (t.text.toLowerCase() === "pc") throw new LineError(t.column, "pc is not a general register");
    const hint = didYouMean(t.text, REGISTER_BY_NAME.keys());
    throw new LineError(t.column, `unknown register '${t.text}'${hint || " (registers are r0-r15 or zero, a0-a3, t0-t4, s0-s2, sp, ra, k0)"}`);
  }
  throw new LineError(t.column, `expected a register, got '${describe(text)}'`);
}

/** `imm(rs1)`, `(rs1)` or `expr(rs1)` where expr may hold parentheses. */
export function parseMemory(text: OperandText): ParsedOperand {
  const tokens = text.tokens;
  const n = tokens.length;
  const close = tokens[n - 1];
  const reg = tokens[n - 2];
  const open = tokens[n - 3];
  const shaped = n >= 3 && close.text === ")" && open.text === "(" && reg.kind === "ident";
  if (!shaped) {
    throw new LineError(text.column, `expected a memory operand imm(rs1), got '${describe(text)}'`);
  }
  const base = parseRegister({ tokens: [reg], column: reg.column });
  const offsetTokens = tokens.slice(0, n - 3);
  const offset: Expr = offsetTokens.length === 0
    ? { kind: "number", value: 0n, column: text.column }
    : parseExpression(offsetTokens, text.column);
  return { kind: "mem", offset, base, column: text.column };
}

/** A CSR by name (`EPC`, any case) or by number (an expression). */
export function parseCsr(text: OperandText): ParsedOperand {
  const t = text.tokens[0];
  if (text.tokens.length === 1 && t.kind === "ident") {
    const name = t.text.toUpperCase();
    if (name in CSR) {
      return { kind: "expr", expr: { kind: "number", value: BigInt(CSR[name as keyof typeof CSR]), column: t.column }, column: t.column };
    }
    throw new LineError(t.column, `unknown CSR '${t.text}'${didYouMean(name, CSR_NAMES) || ` (CSRs are ${CSR_NAMES.join(", ")})`}`);
  }
  return { kind: "expr", expr: parseExpression(text.tokens, text.column), column: text.column };
}

/** Parses one operand of the given kind. */
export function parseOperand(kind: Operand, text: OperandText): ParsedOperand {
  switch (kind) {
    case "rd":
    case "rs1":
    case "rs2":
      return { kind: "register", value: parseRegister(text), column: text.column };
    case "mem":
      return parseMemory(text);
    case "csr":
      return parseCsr(text);
    case "imm":
    case "label":
      return { kind: "expr", expr: parseExpression(text.tokens, text.column), column: text.column };
    default: {
      const never: never = kind;
      throw new Error(`unknown operand kind ${String(never)}`);
    }
  }
}

/** The operand as written (spaces where the source had them). */
export function describe(text: OperandText): string {
  let result = "";
  let end = text.tokens[0]?.column ?? 0;
  for (const t of text.tokens) {
    if (t.column > end) result += " ";
    result += t.text;
    end = t.column + t.text.length;
  }
  return result;
}
