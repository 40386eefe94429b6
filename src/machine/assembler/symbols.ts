/**
 * Labels and `.equ` names. A text label's address is known the moment it
 * is defined; a data label's only after pass 1, when the data section is
 * placed after the text. An `.equ` is evaluated when first needed.
 *
 * Two resolvers read the table: pass 1's answers `undefined` for what is
 * not known yet (a forward reference), pass 2's insists on an answer.
 *
 * An `.equ` may name another, which names another, ... (`.equ x0, x1 + 1`,
 * `.equ x1, x2 + 1`, ...): the chain is followed with an explicit stack,
 * deepest first, so its length is not bounded by the JavaScript stack.
 */
import { LineError, didYouMean } from "./diagnostics";
import { evaluate, type Expr, type Resolver } from "./expression";
import { registerNumber } from "./operands";

export type Section = "text" | "data";

type SymbolDef =
  | { readonly kind: "label"; readonly section: Section; readonly offset: number; readonly line: number }
  | EquDef;

interface EquDef {
  readonly kind: "equ";
  readonly name: string;
  readonly expr: Expr;
  readonly line: number;
  state: EquState;
  value?: bigint;
  /** Pass 1 found it unknown during this settling (see `generation`). */
  unknownIn?: number;
  /** Why it failed, until settleEquates reports it at its own line. */
  error?: unknown;
  /** The .equ whose own error left this one without a value (itself, or one it depends on). */
  origin?: EquOrigin;
}

interface EquOrigin {
  readonly name: string;
  readonly line: number;
}

/**
 * "'X' has no value": a consequence of an error reported elsewhere. An
 * .equ failing only because one it names failed is not reported again
 * (a 2,000-long chain would bury its one real error); a use of it is,
 * pointing at that error.
 */
class NoValueError extends LineError {
  constructor(column: number, message: string, readonly origin: EquOrigin) {
    super(column, message);
  }
}

type EquState = "new" | "evaluating" | "done" | "failed";

export class SymbolTable {
  private readonly defs = new Map<string, SymbolDef>();
  /** Counts outermost .equ evaluations; a pass-1 "unknown" holds within one. */
  private generation = 0;
  private settling = false;

  /** `where(line)` says where a line is, e.g. "on line 3" or "at ulib.s:3". */
  constructor(private readonly where: (line: number) => string = (line) => `on line ${line}`) {}
  /** Where the data section starts; set when pass 1 ends. */
  dataBase: number | undefined;

  /** Defines a label at an offset (text: absolute address; data: from the data base). */
  defineLabel(name: string, column: number, line: number, section: Section, offset: number): void {
    this.checkNew(name, column);
    this.defs.set(name, { kind: "label", section, offset, line });
  }

  defineEqu(name: string, column: number, line: number, expr: Expr): void {
    this.checkNew(name, column);
    this.defs.set(name, { kind: "equ", name, expr, line, state: "new" });
  }

  private checkNew(name: string, column: number): void {
    if (registerNumber(name) !== undefined) {
      throw new LineError(column, `'${name}' is a register name and cannot name a symbol`);
    }
    const previous = this.defs.get(name);
    if (previous) {
      throw new LineError(column, `'${name}' is already defined ${this.where(previous.line)}`);
    }
  }

  /** Pass 1: a value, or undefined if it depends on something unknown. */
  readonly pass1: Resolver = (name, column) => this.lookup(name, column, false);

  /** Pass 2: every symbol must be defined. */
  readonly pass2: Resolver = (name, column) => this.lookup(name, column, true);

  private lookup(name: string, column: number, strict: boolean): bigint | undefined {
    const def = this.defs.get(name);
    if (!def) {
      if (!strict) return undefined;
      throw new LineError(column, `undefined symbol '${name}'${didYouMean(name, this.defs.keys())}`);
    }
    if (def.kind === "label") {
      if (def.section === "text") return BigInt(def.offset);
      return this.dataBase === undefined ? undefined : BigInt(this.dataBase + def.offset);
    }
    return this.equValue(name, def, column, strict);
  }

  private equValue(name: string, def: EquDef, column: number, strict: boolean): bigint | undefined {
    if (def.state === "done") return def.value;
    if (def.state === "failed") {
      const origin = def.origin ?? { name, line: def.line };
      const at = origin.name === name ? "its .equ" : `the .equ of '${origin.name}'`;
      throw new NoValueError(column, `'${name}' has no value (see the error at ${at} ${this.where(origin.line)})`, origin);
    }
    if (def.state === "evaluating") throw new LineError(column, `'.equ ${name}' is defined in terms of itself`);
    if (!strict && def.unknownIn === this.generation) return undefined;
    if (this.settling) return this.compute(def, strict);
    this.settling = true;
    this.generation++;
    try {
      this.settleDependencies(def, strict);
      return this.compute(def, strict);
    } finally {
      this.settling = false;
    }
  }

  /** Evaluates one .equ whose .equ dependencies are settled. */
  private compute(def: EquDef, strict: boolean): bigint | undefined {
    def.state = "evaluating";
    try {
      const v = evaluate(def.expr, strict ? this.pass2 : this.pass1);
      if (v !== undefined) {
        def.value = v;
        def.state = "done";
      } else {
        def.unknownIn = this.generation;
      }
      return v;
    } finally {
      if (def.state === "evaluating") def.state = "new";
    }
  }

  /**
   * Evaluates the unsettled .equ names `root` depends on, deepest first
   * (a depth-first walk with its own stack). A dependency that fails in
   * pass 2 is marked failed with its error, to be reported at its line.
   */
  private settleDependencies(root: EquDef, strict: boolean): void {
    const stack: { def: EquDef; deps: SymbolRef[]; next: number }[] = [{ def: root, deps: symbolNames(root.expr), next: 0 }];
    root.state = "evaluating";
    try {
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        const dep = this.nextUnsettled(top, stack.length === 1 ? undefined : root, stack.length - 1);
        if (dep !== undefined) {
          dep.state = "evaluating";
          stack.push({ def: dep, deps: symbolNames(dep.expr), next: 0 });
          continue;
        }
        stack.pop();
        if (top.def === root) break;
        try {
          this.compute(top.def, strict);
        } catch (error) {
          if (!strict || !(error instanceof LineError)) throw error;
          this.fail(top.def, error);
        }
      }
    } finally {
      for (const { def } of stack) if (def.state === "evaluating") def.state = "new";
      if (root.state === "evaluating") root.state = "new";
    }
  }

  /**
   * The next dependency to evaluate first; a name already on the walk's
   * stack is a cycle, reported at the root's line (and column, when the
   * cycle is found `depth` names down from `root`).
   */
  private nextUnsettled(entry: { def: EquDef; deps: SymbolRef[]; next: number }, root: EquDef | undefined, depth: number): EquDef | undefined {
    while (entry.next < entry.deps.length) {
      const ref = entry.deps[entry.next++];
      const def = this.defs.get(ref.name);
      if (def?.kind !== "equ") continue;
      if (def.state === "evaluating") {
        const through = depth > 1 ? ` (through ${depth} other .equ names)` : "";
        throw new LineError(root?.expr.column ?? ref.column, `'.equ ${ref.name}' is defined in terms of itself${through}`);
      }
      if (def.state === "new" && def.unknownIn !== this.generation) return def;
    }
    return undefined;
  }

  /**
   * After pass 1: evaluates every `.equ`, so that a mistake in one is
   * reported at its own line. Calls `report(line, error)` for each failure.
   */
  settleEquates(report: (line: number, error: unknown) => void): void {
    for (const [name, def] of this.defs) {
      if (def.kind !== "equ" || def.state === "done") continue;
      if (def.state === "failed" && def.error !== undefined) {
        report(def.line, def.error);
        def.error = undefined;
        continue;
      }
      if (def.state === "failed") continue;
      try {
        this.equValue(name, def, def.expr.column, true);
      } catch (error) {
        this.fail(def, error);
        if (def.error !== undefined) report(def.line, def.error);
        def.error = undefined;
      }
    }
  }

  /** Marks an .equ failed: by its own error (kept to report), or by another's (NoValueError). */
  private fail(def: EquDef, error: unknown): void {
    def.state = "failed";
    if (error instanceof NoValueError) {
      def.origin = error.origin;
    } else {
      def.origin = { name: def.name, line: def.line };
      def.error = error;
    }
  }

  /** Every `.equ` name's value (after pass 2, all are settled). */
  constants(): Map<string, number> {
    const result = new Map<string, number>();
    for (const [name, def] of this.defs) {
      if (def.kind === "equ" && def.value !== undefined) result.set(name, Number(def.value));
    }
    return result;
  }

  /** Every label's address (not `.equ` constants), for Program.symbols. */
  labels(): Map<string, number> {
    const result = new Map<string, number>();
    for (const [name, def] of this.defs) {
      if (def.kind !== "label") continue;
      const address = def.section === "text" ? def.offset : (this.dataBase ?? 0) + def.offset;
      result.set(name, address);
    }
    return result;
  }
}

interface SymbolRef {
  readonly name: string;
  readonly column: number;
}

/** The symbols an expression reads, left to right (without recursion). */
function symbolNames(expr: Expr): SymbolRef[] {
  const names: SymbolRef[] = [];
  const pending: Expr[] = [expr];
  while (pending.length > 0) {
    const e = pending.pop() as Expr;
    if (e.kind === "symbol") names.push({ name: e.name, column: e.column });
    else if (e.kind === "binary") pending.push(e.right, e.left);
    else if (e.kind === "unary" || e.kind === "half") pending.push(e.operand);
  }
  return names;
}
