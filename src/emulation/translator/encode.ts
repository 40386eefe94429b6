/**
 * A fast assembler for the one shape of toy32 code translate.ts writes: a
 * label or one instruction a line, registers by name, immediates as
 * decimal or hex numbers, branch and jump targets as local labels or
 * absolute addresses, and the pseudo-instructions li, mv and j, each
 * expanded as the toy32 assembler does (li is one `addi` when its value
 * fits 16 signed bits, else lui + ori). Instructions are encoded through
 * the one instruction table (isa.ts). The general assembler would do, but
 * it takes milliseconds a block, more than the translated code then runs;
 * test/emulation/translator.test.ts holds this one's output equal to it.
 */
import { BY_MNEMONIC, REG, REGISTER_NAMES } from "../../machine/isa";

export interface EncodedBlock {
  readonly image: Uint8Array;
  /** Each label's address. */
  readonly symbols: Map<string, number>;
}

interface Line {
  readonly mnemonic: string;
  readonly args: readonly string[];
  readonly at: number;
}

const REGISTER: ReadonlyMap<string, number> = new Map([
  ...Object.entries(REG),
  ...REGISTER_NAMES.map((_, i) => [`r${i}`, i] as [string, number]),
]);

const fits16 = (v: number): boolean => v >= -32768 && v <= 32767;

/** Words an instruction line takes (li: one or two). */
function size(mnemonic: string, args: readonly string[]): number {
  return mnemonic === "li" && !fits16(Number(args[1])) ? 2 : 1;
}

export function encodeBlock(source: string, origin: number): EncodedBlock {
  const symbols = new Map<string, number>();
  const lines: Line[] = [];
  let at = origin;
  for (const raw of source.split("\n")) {
    const text = raw.replace(/#.*$/, "").trim();
    if (text === "") continue;
    if (text.endsWith(":")) {
      symbols.set(text.slice(0, -1), at);
      continue;
    }
    const space = text.indexOf(" ");
    const mnemonic = space < 0 ? text : text.slice(0, space);
    const args = space < 0 ? [] : text.slice(space + 1).split(",").map((a) => a.trim());
    lines.push({ mnemonic, args, at });
    at += 4 * size(mnemonic, args);
  }
  const words: number[] = [];
  for (const line of lines) words.push(...expand(line, symbols));
  const image = new Uint8Array(words.length * 4);
  const view = new DataView(image.buffer);
  words.forEach((w, i) => view.setUint32(4 * i, w >>> 0, true));
  return { image, symbols };
}

function expand(line: Line, symbols: ReadonlyMap<string, number>): number[] {
  const { mnemonic, args, at } = line;
  switch (mnemonic) {
    case "li": {
      const v = Number(args[1]);
      if (fits16(v)) return [encode("addi", [args[0], "zero", args[1]], at, symbols)];
      return [encode("lui", [args[0], String(v >>> 16)], at, symbols), encode("ori", [args[0], args[0], String(v & 0xffff)], at + 4, symbols)];
    }
    case "mv":
      return [encode("addi", [args[0], args[1], "0"], at, symbols)];
    case "j":
      return [encode("jal", ["zero", args[0]], at, symbols)];
    default:
      return [encode(mnemonic, args, at, symbols)];
  }
}

function encode(mnemonic: string, args: readonly string[], at: number, symbols: ReadonlyMap<string, number>): number {
  const spec = BY_MNEMONIC.get(mnemonic);
  if (spec === undefined) throw new Error(`encodeBlock: no toy32 instruction ${mnemonic}`);
  const reg = (name: string): number => {
    const r = REGISTER.get(name);
    if (r === undefined) throw new Error(`encodeBlock: ${mnemonic}: no register ${name}`);
    return r;
  };
  const target = (text: string): number => symbols.get(text) ?? Number(text);
  const op = spec.opcode << 24;
  switch (spec.format) {
    case "R":
      return op | (reg(args[0]) << 20) | (reg(args[1]) << 16) | (reg(args[2]) << 12);
    case "I": {
      if (spec.operands[1] === "mem") {
        const m = /^(-?\w+)\((\w+)\)$/.exec(args[1]);
        if (m === null) throw new Error(`encodeBlock: ${mnemonic} ${args[1]} is not imm(reg)`);
        return op | (reg(args[0]) << 20) | (reg(m[2]) << 16) | (Number(m[1]) & 0xffff);
      }
      if (mnemonic === "lui") return op | (reg(args[0]) << 20) | (Number(args[1]) & 0xffff);
      return op | (reg(args[0]) << 20) | (reg(args[1]) << 16) | (Number(args[2]) & 0xffff);
    }
    case "S": {
      const m = /^(-?\w+)\((\w+)\)$/.exec(args[1]);
      if (m === null) throw new Error(`encodeBlock: ${mnemonic} ${args[1]} is not imm(reg)`);
      return op | (reg(m[2]) << 20) | (reg(args[0]) << 16) | (Number(m[1]) & 0xffff);
    }
    case "B":
      return op | (reg(args[0]) << 20) | (reg(args[1]) << 16) | (((target(args[2]) - at) / 4) & 0xffff);
    case "J":
      return op | (reg(args[0]) << 20) | (((target(args[1]) - at) / 4) & 0xfffff);
  }
}
