/**
 * Constant expressions over numbers, labels and `.equ` names, with C's
 * precedence (highest first):
 *
 *   unary - ~      *      + -      << >>      &      |
 *
 * Values are exact integers (bigint) until an instruction or directive
 * checks that the result fits its field, so `0xffffffff + 1` is caught as
 * out of range rather than silently wrapped. Each step's result must fit
 * in 64 bits (as GNU as computes in its 64-bit offsetT), which also keeps
 * a hostile `x*x*x*...` from growing a million-digit number.
 */
import { LineError } from "./diagnostics";
import type { Token } from "./lexer";

export type Expr =
  | { readonly kind: "number"; readonly value: bigint; readonly column: number }
  | { readonly kind: "symbol"; readonly name: string; readonly column: number }
  | { readonly kind: "unary"; readonly op: "-" | "~"; readonly operand: Expr; readonly column: number }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly column: number }
  /** %hi / %lo halves of a 32-bit value, made by pseudo-instruction expansions. */
  | { readonly kind: "half"; readonly half: "hi" | "lo"; readonly operand: Expr; readonly column: number };

type BinaryOp = "*" | "+" | "-" | "<<" | ">>" | "&" | "|";

/** Binary operators by precedence level, loosest first. */
const LEVELS: readonly (readonly BinaryOp[])[] = [["|"], ["&"], ["<<", ">>"], ["+", "-"], ["*"]];

/** Parses a whole token list as one expression. */
export function parseExpression(tokens: readonly Token[], column: number): Expr {
  if (tokens.length === 0) throw new LineError(column, "expected an expression");
  const parser = new Parser(tokens);
  const expr = parser.binary(0);
  const rest = parser.peek();
  if (rest) throw new LineError(rest.column, `unexpected '${rest.text}' in expression`);
  return expr;
}

/** Deeper nesting than this is refused rather than overflowing the stack. */
const MAX_DEPTH = 100;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  binary(level: number): Expr {
    if (level === LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      const op = LEVELS[level].find((o) => t?.kind === "punct" && t.text === o);
      if (!t || !op) return left;
      this.pos++;
      const right = this.binary(level + 1);
      left = { kind: "binary", op, left, right, column: t.column };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (!t) {
      const last = this.tokens[this.tokens.length - 1];
      throw new LineError(last.column + last.text.length, "expression ends too early");
    }
    if (++this.depth > MAX_DEPTH) throw new LineError(t.column, `expression nested more than ${MAX_DEPTH} deep`);
    try {
      return this.primary(t);
    } finally {
      this.depth--;
    }
  }

  private primary(t: Token): Expr {
    this.pos++;
    if (t.kind === "number") return { kind: "number", value: t.value, column: t.column };
    if (t.kind === "ident") return { kind: "symbol", name: t.text, column: t.column };
    if (t.kind === "punct" && (t.text === "-" || t.text === "~")) {
      return { kind: "unary", op: t.text, operand: this.unary(), column: t.column };
    }
    if (t.kind === "punct" && t.text === "(") {
      const inner = this.binary(0);
      const close = this.peek();
      if (!close || close.text !== ")") {
        throw new LineError(close?.column ?? t.column, "missing ')' in expression");
      }
      this.pos++;
      return inner;
    }
    throw new LineError(t.column, `unexpected '${t.text}' in expression`);
  }
}

/**
 * A symbol's value, or undefined while it is not yet known (pass 1 of a
 * forward reference). In pass 2 the resolver throws for undefined names.
 */
export type Resolver = (name: string, column: number) => bigint | undefined;

/**
 * The value of an expression, or undefined if a symbol's is not known yet.
 * A post-order walk with an explicit stack, not recursion: the parser
 * builds `1 + 1 + ... + 1` as a left-leaning tree as deep as the sum is
 * long, and a long one must not overflow the JavaScript stack. Operands
 * are evaluated left to right, so the first error is the leftmost.
 */
export function evaluate(expr: Expr, resolve: Resolver): bigint | undefined {
  const pending: { expr: Expr; operandsDone: boolean }[] = [{ expr, operandsDone: false }];
  const values: (bigint | undefined)[] = [];
  while (pending.length > 0) {
    const { expr: e, operandsDone } = pending.pop() as { expr: Expr; operandsDone: boolean };
    if (e.kind === "number") {
      values.push(e.value);
    } else if (e.kind === "symbol") {
      values.push(resolve(e.name, e.column));
    } else if (!operandsDone) {
      pending.push({ expr: e, operandsDone: true });
      if (e.kind === "binary") pending.push({ expr: e.right, operandsDone: false }, { expr: e.left, operandsDone: false });
      else pending.push({ expr: e.operand, operandsDone: false });
    } else if (e.kind === "binary") {
      const b = values.pop();
      const a = values.pop();
      values.push(a === undefined || b === undefined ? undefined : fits64(binary(e, a, b), e.column));
    } else {
      const v = values.pop();
      values.push(v === undefined ? undefined : fits64(e.kind === "unary" ? unary(e.op, v) : half(e, v), e.column));
    }
  }
  return values[0];
}

const LIMIT_64 = 2n ** 64n;

function fits64(v: bigint, column: number): bigint {
  if (v <= -LIMIT_64 || v >= LIMIT_64) throw new LineError(column, "the value here does not fit in 64 bits (each step of an expression must)");
  return v;
}

function unary(op: "-" | "~", v: bigint): bigint {
  return op === "-" ? -v : ~v;
}

function half(expr: Extract<Expr, { kind: "half" }>, v: bigint): bigint {
  if (v < -(2n ** 31n) || v > 2n ** 32n - 1n) {
    throw new LineError(expr.column, `${v} does not fit in 32 bits: -2147483648..4294967295`);
  }
  const word = BigInt.asUintN(32, v);
  return expr.half === "hi" ? word >> 16n : word & 0xffffn;
}

function binary(expr: Extract<Expr, { kind: "binary" }>, a: bigint, b: bigint): bigint {
  switch (expr.op) {
    case "*": return a * b;
    case "+": return a + b;
    case "-": return a - b;
    case "&": return a & b;
    case "|": return a | b;
    case "<<":
    case ">>":
      if (b < 0n || b > 63n) throw new LineError(expr.column, `shift by ${b} is out of range 0..63`);
      return expr.op === "<<" ? a << b : a >> b;
    default: {
      const never: never = expr.op;
      throw new Error(`unknown operator ${String(never)}`);
    }
  }
}
