/**
 * Attributes, JVMS 17 4.7. Ours are parsed into values: Code (4.7.3, with
 * its exception table and nested attributes), StackMapTable (4.7.4),
 * Exceptions (4.7.5), LineNumberTable (4.7.12), SourceFile (4.7.10),
 * ConstantValue (4.7.2), BootstrapMethods (4.7.23), Signature (4.7.9).
 * Any other is kept as raw bytes, as 4.7.1 asks ("silently ignore any
 * attributes [it does] not recognize"). Each attribute must use exactly
 * its attribute_length bytes.
 */
import type { ByteReader } from "./byte-reader";
import type { ConstantPool } from "./constant-pool";

export interface ExceptionHandler { startPc: number; endPc: number; handlerPc: number; catchType: number }
export type VerificationType =
  | { kind: "Top" | "Integer" | "Float" | "Double" | "Long" | "Null" | "UninitializedThis" }
  | { kind: "Object"; cpoolIndex: number }
  | { kind: "Uninitialized"; offset: number };
export interface StackMapFrame { frameType: number; offsetDelta: number; locals: VerificationType[]; stack: VerificationType[] }

export interface CodeAttribute {
  maxStack: number;
  maxLocals: number;
  code: Uint8Array;
  /** Byte offset of code[0] in the file, for error messages. */
  codeOffset: number;
  exceptionTable: ExceptionHandler[];
  attributes: Attribute[];
}

export type Attribute =
  | { name: "Code"; code: CodeAttribute }
  | { name: "StackMapTable"; frames: StackMapFrame[] }
  | { name: "Exceptions"; classIndexes: number[] }
  | { name: "LineNumberTable"; lines: { startPc: number; line: number }[] }
  | { name: "SourceFile"; sourceFile: string }
  | { name: "ConstantValue"; index: number }
  | { name: "Signature"; signature: string }
  | { name: "BootstrapMethods"; methods: { methodRef: number; args: number[] }[] }
  | { name: "Other"; attributeName: string; bytes: Uint8Array };

export function readAttributes(r: ByteReader, pool: ConstantPool, owner: string): Attribute[] {
  const count = r.u2(`${owner} attributes_count`);
  const list: Attribute[] = [];
  for (let i = 0; i < count; i++) list.push(readAttribute(r, pool, owner));
  return list;
}

function readAttribute(r: ByteReader, pool: ConstantPool, owner: string): Attribute {
  const name = pool.utf8(r.u2(`${owner} attribute_name_index`), `${owner} attribute name`);
  const length = r.u4(`${owner} ${name} attribute_length`);
  r.need(length, `${owner} ${name} attribute`);
  const end = r.offset + length;
  const what = `${owner} ${name} attribute`;
  let a: Attribute;
  switch (name) {
    case "Code": a = { name, code: readCode(r, pool, owner) }; break;
    case "StackMapTable": a = { name, frames: readFrames(r, what) }; break;
    case "Exceptions": {
      const n = r.u2(what);
      const classIndexes: number[] = [];
      for (let i = 0; i < n; i++) { const idx = r.u2(what); pool.get(idx, ["Class"], what); classIndexes.push(idx); }
      a = { name, classIndexes }; break;
    }
    case "LineNumberTable": {
      const n = r.u2(what);
      const lines = [];
      for (let i = 0; i < n; i++) lines.push({ startPc: r.u2(what), line: r.u2(what) });
      a = { name, lines }; break;
    }
    case "SourceFile": a = { name, sourceFile: pool.utf8(r.u2(what), what) }; break;
    case "Signature": a = { name, signature: pool.utf8(r.u2(what), what) }; break;
    case "ConstantValue": {
      const index = r.u2(what);
      pool.get(index, ["Integer", "Long", "Float", "Double", "String"], what);
      a = { name, index }; break;
    }
    case "BootstrapMethods": {
      const n = r.u2(what);
      const methods = [];
      for (let i = 0; i < n; i++) {
        const methodRef = r.u2(what);
        pool.get(methodRef, ["MethodHandle"], what);
        const k = r.u2(what);
        const args: number[] = [];
        for (let j = 0; j < k; j++) args.push(r.u2(what));
        methods.push({ methodRef, args });
      }
      a = { name, methods }; break;
    }
    default: a = { name: "Other", attributeName: name, bytes: r.slice(length, what) };
  }
  if (r.offset !== end) r.fail(`${what}: attribute_length says ${length} bytes but its contents use ${r.offset - (end - length)}`);
  return a;
}

function readCode(r: ByteReader, pool: ConstantPool, owner: string): CodeAttribute {
  const what = `${owner} Code attribute`;
  const maxStack = r.u2(what), maxLocals = r.u2(what);
  const codeLength = r.u4(what);
  if (codeLength === 0 || codeLength >= 65536) r.fail(`${what}: code_length ${codeLength} is not in 1..65535 (JVMS 4.7.3)`);
  const codeOffset = r.offset;
  const code = r.slice(codeLength, what);
  const n = r.u2(`${what} exception_table_length`);
  const exceptionTable: ExceptionHandler[] = [];
  for (let i = 0; i < n; i++) {
    const h = { startPc: r.u2(what), endPc: r.u2(what), handlerPc: r.u2(what), catchType: r.u2(what) };
    if (h.startPc >= h.endPc || h.endPc > codeLength || h.handlerPc >= codeLength)
      r.fail(`${what}: exception handler ${i} [${h.startPc}, ${h.endPc}) -> ${h.handlerPc} is outside the code (length ${codeLength})`, r.offset - 8);
    if (h.catchType !== 0) pool.get(h.catchType, ["Class"], `${what} exception handler ${i}`);
    exceptionTable.push(h);
  }
  return { maxStack, maxLocals, code, codeOffset, exceptionTable, attributes: readAttributes(r, pool, `${owner} Code`) };
}

/** JVMS 4.7.4: the stack_map_frame union, by frame_type ranges. */
function readFrames(r: ByteReader, what: string): StackMapFrame[] {
  const n = r.u2(what);
  const frames: StackMapFrame[] = [];
  const types = (k: number): VerificationType[] => Array.from({ length: k }, () => readType(r, what));
  for (let i = 0; i < n; i++) {
    const t = r.u1(what);
    if (t <= 63) frames.push({ frameType: t, offsetDelta: t, locals: [], stack: [] });
    else if (t <= 127) frames.push({ frameType: t, offsetDelta: t - 64, locals: [], stack: types(1) });
    else if (t < 247) r.fail(`${what}: frame_type ${t} is reserved (JVMS 4.7.4)`, r.offset - 1);
    else if (t === 247) { const d = r.u2(what); frames.push({ frameType: t, offsetDelta: d, locals: [], stack: types(1) }); }
    else if (t <= 251) frames.push({ frameType: t, offsetDelta: r.u2(what), locals: [], stack: [] });
    else if (t <= 254) { const d = r.u2(what); frames.push({ frameType: t, offsetDelta: d, locals: types(t - 251), stack: [] }); }
    else {
      const d = r.u2(what);
      const locals = types(r.u2(what));
      frames.push({ frameType: t, offsetDelta: d, locals, stack: types(r.u2(what)) });
    }
  }
  return frames;
}

const SIMPLE = ["Top", "Integer", "Float", "Double", "Long", "Null", "UninitializedThis"] as const;

function readType(r: ByteReader, what: string): VerificationType {
  const tag = r.u1(what);
  if (tag <= 6) return { kind: SIMPLE[tag]! };
  if (tag === 7) return { kind: "Object", cpoolIndex: r.u2(what) };
  if (tag === 8) return { kind: "Uninitialized", offset: r.u2(what) };
  return r.fail(`${what}: verification_type_info tag ${tag} is not 0..8 (JVMS 4.7.4)`, r.offset - 1);
}

export function findAttribute<N extends Attribute["name"]>(list: readonly Attribute[], name: N): Extract<Attribute, { name: N }> | undefined {
  return list.find((a) => a.name === name) as Extract<Attribute, { name: N }> | undefined;
}

