/**
 * Decoding a method's code into instructions (JVMS 17 4.7.3 and chapter 6).
 * Each instruction keeps its pc and operands; switches are 4-byte aligned
 * after the opcode ("0-3 bytes of padding", 6.5.tableswitch). A truncated
 * or unknown instruction is a ClassFormatError at its byte offset.
 */
import { ByteReader } from "./byte-reader";
import { OPCODES, type OpcodeInfo } from "./opcodes";

export interface Instruction {
  pc: number;
  length: number;
  info: OpcodeInfo;
  /** local index, constant, cp index or branch offset, by layout. */
  operands: number[];
  /** widened by a `wide` prefix (6.5.wide). */
  wide: boolean;
  switchTable?: { defaultOffset: number; keys: number[]; offsets: number[]; low?: number; high?: number };
}

export function decodeCode(code: Uint8Array, file: string, className: string | undefined, baseOffset: number): Instruction[] {
  const r = new ByteReader(code, file, baseOffset);
  r.className = className;
  const fail = (pc: number, why: string): never => r.fail(`code: ${why}`, pc);
  const list: Instruction[] = [];
  while (r.offset < code.length) list.push(decodeOne(r, fail));
  return list;
}

function decodeOne(r: ByteReader, fail: (pc: number, why: string) => never): Instruction {
  const pc = r.offset;
  const op = r.u1("opcode");
  const info = OPCODES[op] ?? fail(pc, `unknown opcode 0x${op.toString(16)} at pc ${pc}`);
  const s8 = (x: number) => (x << 24) >> 24, s16 = (x: number) => (x << 16) >> 16;
  const what = `${info.mnemonic} at pc ${pc}`;
  let operands: number[] = [];
  let wide = false;
  let switchTable: Instruction["switchTable"];
  switch (info.layout) {
    case "none": break;
    case "local": case "cp1": case "newarray": operands = [r.u1(what)]; break;
    case "byte": operands = [s8(r.u1(what))]; break;
    case "short": operands = [s16(r.u2(what))]; break;
    case "cp2": operands = [r.u2(what)]; break;
    case "branch2": operands = [s16(r.u2(what))]; break;
    case "branch4": operands = [r.u4(what) | 0]; break;
    case "iinc": operands = [r.u1(what), s8(r.u1(what))]; break;
    case "multianewarray": operands = [r.u2(what), r.u1(what)]; break;
    case "invokeinterface": operands = [r.u2(what), r.u1(what)]; r.u1(what); break;
    case "invokedynamic": operands = [r.u2(what)]; r.u2(what); break;
    case "wide": {
      const inner = OPCODES[r.u1(what)];
      if (!inner || (inner.layout !== "local" && inner.layout !== "iinc")) fail(pc, `wide at pc ${pc} modifies ${inner?.mnemonic ?? "an unknown opcode"}`);
      wide = true;
      operands = inner!.layout === "iinc" ? [r.u2(what), s16(r.u2(what))] : [r.u2(what)];
      return { pc, length: r.offset - pc, info: inner!, operands, wide };
    }
    case "tableswitch": case "lookupswitch": {
      while (r.offset % 4 !== 0) r.u1(what);
      const defaultOffset = r.u4(what) | 0;
      if (info.layout === "tableswitch") {
        const low = r.u4(what) | 0, high = r.u4(what) | 0;
        if (low > high) fail(pc, `tableswitch at pc ${pc}: low ${low} > high ${high}`);
        if (high - low >= 16384) r.need((high - low + 1) * 4, what);
        const keys: number[] = [], offsets: number[] = [];
        for (let k = low; k <= high; k++) { keys.push(k); offsets.push(r.u4(what) | 0); }
        switchTable = { defaultOffset, keys, offsets, low, high };
      } else {
        const n = r.u4(what) | 0;
        if (n < 0) fail(pc, `lookupswitch at pc ${pc}: npairs ${n} < 0`);
        r.need(n * 8, what);
        const keys: number[] = [], offsets: number[] = [];
        for (let i = 0; i < n; i++) { keys.push(r.u4(what) | 0); offsets.push(r.u4(what) | 0); }
        switchTable = { defaultOffset, keys, offsets };
      }
      break;
    }
  }
  return { pc, length: r.offset - pc, info, operands, wide, ...(switchTable ? { switchTable } : {}) };
}
