/**
 * toy32's two-pass assembler (ISA.md, "Assembly syntax").
 *
 *   pass 1  each line: lex, define labels, parse the statement, fix its
 *           size (li picks one word or two here, once) and advance the
 *           location counter; then place .data after .text.
 *   pass 2  evaluate every expression (all labels are known now), encode
 *           through the instruction table, write the image and listing.
 *
 * A mistake in one statement is recorded and the assembler moves on, so
 * one AssemblyError reports every error of the file.
 */
import { BY_MNEMONIC, INSTRUCTIONS, type InstructionSpec, type Operand } from "../isa";
import { AssemblyError, LineError, didYouMean, type Diagnostic } from "./diagnostics";
import { DIRECTIVES, unknownDirective } from "./directives";
import { encode, value } from "./encode";
import { Layout } from "./layout";
import { lexLine, type Token } from "./lexer";
import { operandSyntax, parseOperand, splitOperands, type OperandText, type ParsedOperand } from "./operands";
import { PSEUDO_BY_MNEMONIC, PSEUDO_INSTRUCTIONS, chooseTemplate, expand, expansionSize } from "./pseudo";
import type { Payload, Statement } from "./statement";
import { SymbolTable } from "./symbols";

/** One file of a program assembled from several (e.g. a program and its library). */
export interface SourceFile {
  readonly file: string;
  readonly text: string;
}

export interface AssembleOptions {
  /** Names a string source in error messages and the listing; default "input.s". */
  readonly file?: string;
  /** Address of the first byte; default 0 (toy32 loads images at 0). */
  readonly origin?: number;
}

/** One source line in the listing, with the bytes it produced. */
export interface ListingLine {
  readonly address: number;
  /** In memory order. */
  readonly bytes: number[];
  /** 1-based, within `file`. */
  readonly line: number;
  readonly source: string;
  readonly file: string;
  /** Instruction words (shown as words) or data (shown as bytes). */
  readonly kind: "code" | "data" | "none";
}

export interface Program {
  /** Bytes from origin to end: text, then data. */
  readonly image: Uint8Array;
  readonly origin: number;
  /** The address of `_start` if defined, else origin. */
  readonly entry: number;
  /** Every label's address (`.equ` constants are not included). */
  readonly symbols: Map<string, number>;
  /** Every `.equ` name's value, e.g. for a loader to check a layout it shares. */
  readonly constants: Map<string, number>;
  readonly listing: ListingLine[];
  readonly textEnd: number;
  readonly end: number;
}

const MNEMONICS: readonly string[] = [
  ...INSTRUCTIONS.map((i) => i.mnemonic),
  ...PSEUDO_INSTRUCTIONS.map((p) => p.mnemonic),
];

/**
 * Assembles one source text, or several files as if concatenated (labels
 * are shared; errors and the listing name each line's own file).
 */
export function assemble(source: string | readonly SourceFile[], options: AssembleOptions = {}): Program {
  return new Assembly(source, options).run();
}

/** A source line; the assembler numbers lines across all files from 1. */
interface SourceLine {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

function splitLines(source: string | readonly SourceFile[], file: string): SourceLine[] {
  const files = typeof source === "string" ? [{ file, text: source }] : source;
  return files.flatMap((f) => f.text.split(/\r?\n/).map((text, i) => ({ file: f.file, line: i + 1, text })));
}

class Assembly {
  /** Every line of every file; `line` numbers below index it from 1. */
  private readonly lines: SourceLine[];
  private readonly layout: Layout;
  private readonly symbols: SymbolTable;
  private readonly statements: Statement[] = [];
  private readonly lineStarts: { section: "text" | "data"; offset: number }[] = [];
  private readonly errors: { line: number; column: number; message: string }[] = [];

  constructor(source: string | readonly SourceFile[], options: AssembleOptions) {
    this.lines = splitLines(source, options.file ?? "input.s");
    const several = new Set(this.lines.map((l) => l.file)).size > 1;
    this.symbols = new SymbolTable((n) => {
      const l = this.lines[n - 1];
      return several ? `at ${l.file}:${l.line}` : `on line ${l.line}`;
    });
    const origin = options.origin ?? 0;
    if (!Number.isInteger(origin) || origin < 0 || origin > 0xffffffff) {
      throw new AssemblyError([this.diagnostic({ line: 1, column: 1, message: `origin ${origin} is not an address 0..0xffffffff` })]);
    }
    this.layout = new Layout(origin);
  }

  run(): Program {
    this.refuseBinary();
    this.lines.forEach((l, i) => this.guard(i + 1, () => this.pass1Line(l.text, i + 1)));
    this.symbols.dataBase = this.layout.dataBase;
    this.symbols.settleEquates((line, error) => this.guard(line, () => { throw error; }));
    const image = new Uint8Array(this.layout.end - this.layout.origin);
    const emitted = this.statements.map((s) => this.pass2(s, image));
    if (this.errors.length > 0) {
      // A pseudo-instruction's expansion may repeat its operand's error: keep one.
      const unique = new Map(this.errors.map((e) => [`${e.line}:${e.column}:${e.message}`, e]));
      const sorted = [...unique.values()].sort((a, b) => a.line - b.line || a.column - b.column);
      throw new AssemblyError(sorted.map((e) => this.diagnostic(e)));
    }
    const symbols = this.symbols.labels();
    return {
      image,
      origin: this.layout.origin,
      entry: symbols.get("_start") ?? this.layout.origin,
      symbols,
      constants: this.symbols.constants(),
      listing: this.listing(emitted),
      textEnd: this.layout.textEnd,
      end: this.layout.end,
    };
  }

  /**
   * Text never holds a NUL byte, and every binary format does: a file with
   * one is refused as a whole, in one error, instead of line by line.
   */
  private refuseBinary(): void {
    const at = this.lines.findIndex((l) => l.text.includes("\0"));
    if (at < 0) return;
    const { file, text } = this.lines[at];
    throw new AssemblyError([
      this.diagnostic({ line: at + 1, column: text.indexOf("\0") + 1, message: `${file} holds binary data (a NUL byte), not assembly text` }),
    ]);
  }

  /** Runs one step; a LineError becomes a diagnostic at that line. */
  private guard<T>(line: number, step: () => T): T | undefined {
    try {
      return step();
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      this.errors.push({ line, column: error.column, message: error.message });
      return undefined;
    }
  }

  private diagnostic(e: { line: number; column: number; message: string }): Diagnostic {
    const l = this.lines[e.line - 1] ?? { file: "", line: e.line, text: "" };
    return { file: l.file, line: l.line, column: e.column, message: e.message, sourceLine: l.text };
  }

  // ---- pass 1 -------------------------------------------------------

  private pass1Line(text: string, line: number): void {
    this.lineStarts[line - 1] = { section: this.layout.section, offset: this.layout.offset };
    const tokens = lexLine(text);
    let i = 0;
    while (tokens[i]?.kind === "ident" && tokens[i + 1]?.text === ":") {
      const label = tokens[i];
      this.guard(line, () => this.symbols.defineLabel(label.text, label.column, line, this.layout.section, this.layout.offset));
      i += 2;
    }
    this.lineStarts[line - 1] = { section: this.layout.section, offset: this.layout.offset };
    const head = tokens[i];
    if (!head) return;
    if (head.kind !== "ident") throw new LineError(head.column, `expected an instruction or directive, got '${head.text}'`);
    const args = splitOperands(tokens.slice(i + 1), head.column + head.text.length);
    if (head.text.startsWith(".")) {
      this.directive(head, args, line);
    } else {
      this.instruction(head, args, line);
    }
  }

  private directive(head: Token, args: readonly OperandText[], line: number): void {
    const directive = DIRECTIVES.get(head.text.toLowerCase());
    if (!directive) throw unknownDirective(head.text, head.column);
    directive.handle({
      layout: this.layout,
      symbols: this.symbols,
      line,
      emit: (payload, size, column) => this.emit(payload, size, line, column),
    }, args, head.column);
  }

  private instruction(head: Token, args: readonly OperandText[], line: number): void {
    const name = head.text.toLowerCase();
    const spec = BY_MNEMONIC.get(name);
    const pseudo = PSEUDO_BY_MNEMONIC.get(name);
    if (!spec && !pseudo) {
      const hint = didYouMean(head.text, MNEMONICS) || (args.length === 0 ? ` (a label needs a colon: '${head.text}:')` : "");
      throw new LineError(head.column, `unknown instruction '${head.text}'${hint}`);
    }
    const kinds = (spec ?? pseudo)?.operands ?? [];
    let operands: ParsedOperand[];
    try {
      if (this.layout.offset % 4 !== 0) {
        throw new LineError(head.column, `instruction at ${this.layout.describe()} is not 4-byte aligned; put .align 4 before it`);
      }
      operands = this.parseOperands(name, kinds, args, head);
    } catch (error) {
      // Keep the addresses after a bad line right, so later errors are real.
      this.layout.advance(pseudo ? expansionSize(pseudo, "long") : 4, head.column);
      throw error;
    }
    if (spec) {
      this.emit({ kind: "code", instructions: [{ spec, operands }] }, 4, line, head.column);
      return;
    }
    if (!pseudo) return;
    const choice = chooseTemplate(pseudo, operands, this.symbols.pass1);
    const instructions = expand(pseudo, operands, choice, head.column);
    this.emit({ kind: "code", instructions }, expansionSize(pseudo, choice), line, head.column);
  }

  private parseOperands(name: string, kinds: readonly Operand[], args: readonly OperandText[], head: Token): ParsedOperand[] {
    if (args.length !== kinds.length) {
      const takes = kinds.length === 0 ? "no operands" : kinds.map(operandSyntax).join(", ");
      const column = args[kinds.length]?.column ?? head.column;
      throw new LineError(column, `${name} takes ${takes}; got ${args.length} operand${args.length === 1 ? "" : "s"}`);
    }
    return kinds.map((kind, i) => parseOperand(kind, args[i]));
  }

  private emit(payload: Payload, size: number, line: number, column: number): void {
    const { section, offset } = this.layout;
    this.layout.advance(size, column);
    this.statements.push({ ...payload, line, column, section, offset, size });
  }

  // ---- pass 2 -------------------------------------------------------

  private address(section: "text" | "data", offset: number): number {
    return section === "text" ? offset : this.layout.dataBase + offset;
  }

  /** Writes one statement's bytes; returns them for the listing. */
  private pass2(s: Statement, image: Uint8Array): number[] {
    const at = this.address(s.section, s.offset);
    const bytes = this.guard(s.line, () => this.bytesOf(s, at)) ?? new Array<number>(s.size).fill(0);
    image.set(bytes, at - this.layout.origin);
    return bytes;
  }

  private bytesOf(s: Statement, at: number): number[] {
    switch (s.kind) {
      case "code":
        return s.instructions.flatMap((ins, i) => littleEndian(this.encode(ins.spec, ins.operands, at + 4 * i, s.line), 4));
      case "values":
        return s.exprs.flatMap((e) => littleEndian(checkedValue(value(e, this.symbols.pass2), s.width, e.column), s.width));
      case "bytes":
        return [...s.bytes];
      case "zeros":
        return new Array<number>(s.size).fill(0);
      default: {
        const never: never = s;
        throw new Error(`unknown statement ${JSON.stringify(never)}`);
      }
    }
  }

  /** Encodes one instruction; an operand error is reported and the rest go on. */
  private encode(spec: InstructionSpec, operands: readonly ParsedOperand[], pc: number, line: number): number {
    return this.guard(line, () => encode(spec, operands, pc, this.symbols.pass2)) ?? 0;
  }

  private listing(emitted: number[][]): ListingLine[] {
    const bySource = new Map<number, { bytes: number[]; kind: ListingLine["kind"]; address: number }>();
    this.statements.forEach((s, i) => {
      bySource.set(s.line, { bytes: emitted[i], kind: s.kind === "code" ? "code" : "data", address: this.address(s.section, s.offset) });
    });
    return this.lines.map((l, i) => {
      const start = this.lineStarts[i] ?? { section: "text", offset: this.layout.textEnd };
      const item = bySource.get(i + 1);
      return {
        address: item?.address ?? this.address(start.section, start.offset),
        bytes: item?.bytes ?? [],
        line: l.line,
        source: l.text,
        file: l.file,
        kind: item?.kind ?? "none",
      };
    });
  }
}

function checkedValue(v: number, width: 1 | 4, column: number): number {
  const [min, max] = width === 4 ? [-(2 ** 31), 2 ** 32 - 1] : [-128, 255];
  if (v < min || v > max) {
    throw new LineError(column, `${v} does not fit in ${width === 4 ? ".word" : ".byte"}: ${min}..${max}`);
  }
  return v;
}

function littleEndian(v: number, width: number): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < width; i++) bytes.push(Math.floor(v / 2 ** (8 * i)) & 0xff);
  return bytes;
}
