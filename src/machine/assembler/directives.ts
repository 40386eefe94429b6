/**
 * The directives of ISA.md, "Assembly syntax", as pass-1 handlers: each
 * checks its operands, moves the location counter and leaves a statement
 * for pass 2. Counts (`.space`, `.align`, `.org`) must be known in pass 1,
 * because they fix where everything after them goes.
 */
import { LineError, didYouMean } from "./diagnostics";
import { evaluate, parseExpression } from "./expression";
import type { Layout } from "./layout";
import { describe, type OperandText } from "./operands";
import type { Payload } from "./statement";
import type { SymbolTable } from "./symbols";

export interface DirectiveContext {
  readonly layout: Layout;
  readonly symbols: SymbolTable;
  readonly line: number;
  /** Adds a statement of `size` bytes here and advances the counter. */
  emit(payload: Payload, size: number, column: number): void;
}

type Handler = (ctx: DirectiveContext, args: readonly OperandText[], column: number) => void;

interface Directive {
  readonly syntax: string;
  readonly summary: string;
  readonly handle: Handler;
}

export const DIRECTIVES: ReadonlyMap<string, Directive> = new Map<string, Directive>([
  [".text", { syntax: ".text", summary: "assemble into the text section (the default)", handle: section("text") }],
  [".data", { syntax: ".data", summary: "assemble into the data section, placed after the text", handle: section("data") }],
  [".org", { syntax: ".org ADDR", summary: "move the text location counter forward to ADDR (gap zero-filled)", handle: org }],
  [".word", { syntax: ".word EXPR, ...", summary: "32-bit little-endian words (4-byte aligned)", handle: values(4) }],
  [".byte", { syntax: ".byte EXPR, ...", summary: "bytes (-128..255)", handle: values(1) }],
  [".ascii", { syntax: '.ascii "s"', summary: "the string's bytes", handle: ascii(false) }],
  [".asciz", { syntax: '.asciz "s"', summary: "the string's bytes and a terminating 0", handle: ascii(true) }],
  [".space", { syntax: ".space N", summary: "N zero bytes", handle: space }],
  [".align", { syntax: ".align N", summary: "zero bytes up to a multiple of N (a power of two)", handle: align }],
  [".equ", { syntax: ".equ NAME, EXPR", summary: "define NAME as the value of EXPR", handle: equ }],
]);

export function unknownDirective(name: string, column: number): LineError {
  const hint = didYouMean(name, DIRECTIVES.keys()) || ` (directives are ${[...DIRECTIVES.keys()].join(" ")})`;
  return new LineError(column, `unknown directive '${name}'${hint}`);
}

function expectCount(args: readonly OperandText[], n: number, syntax: string, column: number): void {
  if (args.length !== n) {
    throw new LineError(args[n]?.column ?? column, `${syntax.split(" ")[0]} takes ${n === 0 ? "no operands" : syntax.slice(syntax.indexOf(" ") + 1)}; got ${args.length} operand${args.length === 1 ? "" : "s"}`);
  }
}

/** A value pass 1 must know now (no forward references). */
function known(ctx: DirectiveContext, text: OperandText, what: string): number {
  const expr = parseExpression(text.tokens, text.column);
  const v = evaluate(expr, ctx.symbols.pass1);
  if (v === undefined) {
    throw new LineError(text.column, `${what} must be known when it is read: use numbers, .equ names or labels defined above`);
  }
  if (v < 0n || v > 0xffffffffn) throw new LineError(text.column, `${what} ${v} is out of range 0..0xffffffff`);
  return Number(v);
}

function section(name: "text" | "data"): Handler {
  return (ctx, args, column) => {
    expectCount(args, 0, `.${name}`, column);
    ctx.layout.section = name;
  };
}

function org(ctx: DirectiveContext, args: readonly OperandText[], column: number): void {
  expectCount(args, 1, ".org ADDR", column);
  ctx.layout.org(known(ctx, args[0], "the .org address"), args[0].column);
}

function values(width: 1 | 4): Handler {
  return (ctx, args, column) => {
    if (args.length === 0) throw new LineError(column, `${width === 4 ? ".word" : ".byte"} needs at least one value`);
    if (width === 4 && ctx.layout.offset % 4 !== 0) {
      throw new LineError(column, `.word at ${ctx.layout.describe()} is not 4-byte aligned; put .align 4 before it`);
    }
    const exprs = args.map((a) => parseExpression(a.tokens, a.column));
    ctx.emit({ kind: "values", width, exprs }, width * exprs.length, column);
  };
}

function ascii(terminate: boolean): Handler {
  return (ctx, args, column) => {
    const bytes: number[] = [];
    for (const a of args) {
      const t = a.tokens[0];
      if (a.tokens.length !== 1 || t.kind !== "string") {
        throw new LineError(a.column, `expected a "string", got '${describe(a)}'`);
      }
      bytes.push(...t.bytes);
    }
    if (args.length === 0) throw new LineError(column, `${terminate ? ".asciz" : ".ascii"} needs a "string"`);
    if (terminate) bytes.push(0);
    ctx.emit({ kind: "bytes", bytes }, bytes.length, column);
  };
}

function space(ctx: DirectiveContext, args: readonly OperandText[], column: number): void {
  expectCount(args, 1, ".space N", column);
  ctx.emit({ kind: "zeros" }, known(ctx, args[0], "the .space size"), column);
}

function align(ctx: DirectiveContext, args: readonly OperandText[], column: number): void {
  expectCount(args, 1, ".align N", column);
  const n = known(ctx, args[0], "the .align boundary");
  if (n === 0 || (n & (n - 1)) !== 0 || n > 1 << 20) {
    throw new LineError(args[0].column, `.align ${n}: the boundary must be a power of two from 1 to ${1 << 20}`);
  }
  ctx.emit({ kind: "zeros" }, ctx.layout.padding(n), column);
}

function equ(ctx: DirectiveContext, args: readonly OperandText[], column: number): void {
  expectCount(args, 2, ".equ NAME, EXPR", column);
  const name = args[0].tokens[0];
  if (args[0].tokens.length !== 1 || name.kind !== "ident") {
    throw new LineError(args[0].column, `.equ needs a NAME first, got '${describe(args[0])}'`);
  }
  const expr = parseExpression(args[1].tokens, args[1].column);
  ctx.symbols.defineEqu(name.text, name.column, ctx.line, expr);
}
