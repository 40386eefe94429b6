/**
 * The constant pool, JVMS 17 4.4: every tag of Table 4.4-B. Entry 0 is
 * unused, and a Long or Double "take[s] up two entries" (4.4.5), leaving
 * the next index unusable. Cross references are checked after the whole
 * pool is read (4.4: each index "must be a valid index into the
 * constant_pool table" of the right kind).
 */
import type { ByteReader } from "./byte-reader";
import { decodeModifiedUtf8 } from "./modified-utf8";

export type Constant =
  | { tag: "Utf8"; value: string }
  | { tag: "Integer"; value: number }
  | { tag: "Float"; value: number }
  | { tag: "Long"; value: bigint }
  | { tag: "Double"; value: number }
  | { tag: "Class"; nameIndex: number }
  | { tag: "String"; stringIndex: number }
  | { tag: "Fieldref" | "Methodref" | "InterfaceMethodref"; classIndex: number; nameAndTypeIndex: number }
  | { tag: "NameAndType"; nameIndex: number; descriptorIndex: number }
  | { tag: "MethodHandle"; referenceKind: number; referenceIndex: number }
  | { tag: "MethodType"; descriptorIndex: number }
  | { tag: "Dynamic" | "InvokeDynamic"; bootstrapMethodAttrIndex: number; nameAndTypeIndex: number }
  | { tag: "Module" | "Package"; nameIndex: number };

export type ConstantTag = Constant["tag"];
type Slot = Constant | undefined;

export class ConstantPool {
  constructor(readonly entries: readonly Slot[], private readonly reader: ByteReader) {}

  get count(): number {
    return this.entries.length;
  }

  /** The entry at `index`, which must have one of `tags`; otherwise a ClassFormatError naming `where`. */
  get<T extends ConstantTag>(index: number, tags: readonly T[], where: string): Extract<Constant, { tag: T }> {
    const c = this.entries[index];
    if (!c) this.reader.fail(`${where}: constant pool index ${index} is not a valid entry (pool has ${this.count - 1})`);
    if (!(tags as readonly string[]).includes(c.tag)) this.reader.fail(`${where}: constant pool #${index} is ${c.tag}, expected ${tags.join(" or ")}`);
    return c as Extract<Constant, { tag: T }>;
  }

  utf8(index: number, where: string): string {
    return this.get(index, ["Utf8"], where).value;
  }

  className(index: number, where: string): string {
    return this.utf8(this.get(index, ["Class"], where).nameIndex, where);
  }

  nameAndType(index: number, where: string): { name: string; descriptor: string } {
    const nt = this.get(index, ["NameAndType"], where);
    return { name: this.utf8(nt.nameIndex, where), descriptor: this.utf8(nt.descriptorIndex, where) };
  }

  /** Class, name and descriptor of a Fieldref, Methodref or InterfaceMethodref. */
  memberRef(index: number, where: string): { tag: string; className: string; name: string; descriptor: string } {
    const ref = this.get(index, ["Fieldref", "Methodref", "InterfaceMethodref"], where);
    return { tag: ref.tag, className: this.className(ref.classIndex, where), ...this.nameAndType(ref.nameAndTypeIndex, where) };
  }
}

const TAGS: Record<number, string> = {
  1: "Utf8", 3: "Integer", 4: "Float", 5: "Long", 6: "Double", 7: "Class", 8: "String", 9: "Fieldref",
  10: "Methodref", 11: "InterfaceMethodref", 12: "NameAndType", 15: "MethodHandle", 16: "MethodType",
  17: "Dynamic", 18: "InvokeDynamic", 19: "Module", 20: "Package",
};

export function readConstantPool(r: ByteReader): ConstantPool {
  const count = r.u2("constant_pool_count");
  if (count === 0) r.fail("constant_pool_count is 0 (it must be at least 1)");
  const entries: Slot[] = [undefined];
  const starts: number[] = [0];
  while (entries.length < count) {
    const at = r.offset;
    const tag = r.u1("constant pool tag");
    const c = readEntry(r, tag, entries.length, at);
    entries.push(c);
    starts.push(at);
    if (c.tag === "Long" || c.tag === "Double") {
      if (entries.length === count) r.fail(`constant pool #${entries.length - 1}: ${c.tag} takes two entries but is the last`, at);
      entries.push(undefined);
      starts.push(at);
    }
  }
  const pool = new ConstantPool(entries, r);
  checkReferences(pool, starts, r);
  return pool;
}

function readEntry(r: ByteReader, tag: number, index: number, at: number): Constant {
  const what = `constant pool #${index} (${TAGS[tag] ?? "tag " + tag})`;
  switch (tag) {
    case 1: {
      const length = r.u2(what);
      const bytes = r.slice(length, what);
      const value = decodeModifiedUtf8(bytes);
      if (value === undefined) r.fail(`${what}: malformed modified UTF-8 (JVMS 4.4.7)`, at);
      return { tag: "Utf8", value };
    }
    case 3: return { tag: "Integer", value: r.u4(what) | 0 };
    case 4: return { tag: "Float", value: new DataView(Uint8Array.from(r.slice(4, what)).buffer).getFloat32(0) };
    case 5: return { tag: "Long", value: new DataView(Uint8Array.from(r.slice(8, what)).buffer).getBigInt64(0) };
    case 6: return { tag: "Double", value: new DataView(Uint8Array.from(r.slice(8, what)).buffer).getFloat64(0) };
    case 7: return { tag: "Class", nameIndex: r.u2(what) };
    case 8: return { tag: "String", stringIndex: r.u2(what) };
    case 9: case 10: case 11:
      return { tag: TAGS[tag] as "Fieldref", classIndex: r.u2(what), nameAndTypeIndex: r.u2(what) };
    case 12: return { tag: "NameAndType", nameIndex: r.u2(what), descriptorIndex: r.u2(what) };
    case 15: {
      const referenceKind = r.u1(what);
      if (referenceKind < 1 || referenceKind > 9) r.fail(`${what}: reference_kind ${referenceKind} is not 1..9 (JVMS 4.4.8)`, at);
      return { tag: "MethodHandle", referenceKind, referenceIndex: r.u2(what) };
    }
    case 16: return { tag: "MethodType", descriptorIndex: r.u2(what) };
    case 17: case 18:
      return { tag: TAGS[tag] as "Dynamic", bootstrapMethodAttrIndex: r.u2(what), nameAndTypeIndex: r.u2(what) };
    case 19: case 20: return { tag: TAGS[tag] as "Module", nameIndex: r.u2(what) };
    default: return r.fail(`constant pool #${index}: unknown tag ${tag} (JVMS 4.4, Table 4.4-B)`, at);
  }
}

function checkReferences(pool: ConstantPool, starts: number[], r: ByteReader): void {
  pool.entries.forEach((c, i) => {
    if (!c) return;
    const where = `constant pool #${i} (${c.tag})`;
    const saved = r.offset;
    r.offset = starts[i]!;
    switch (c.tag) {
      case "Class": case "Module": case "Package": pool.utf8(c.nameIndex, where); break;
      case "String": pool.utf8(c.stringIndex, where); break;
      case "Fieldref": case "Methodref": case "InterfaceMethodref":
        pool.get(c.classIndex, ["Class"], where); pool.nameAndType(c.nameAndTypeIndex, where); break;
      case "NameAndType": pool.utf8(c.nameIndex, where); pool.utf8(c.descriptorIndex, where); break;
      case "MethodHandle": pool.get(c.referenceIndex, ["Fieldref", "Methodref", "InterfaceMethodref"], where); break;
      case "MethodType": pool.utf8(c.descriptorIndex, where); break;
      case "Dynamic": case "InvokeDynamic": pool.nameAndType(c.nameAndTypeIndex, where); break;
      default: break;
    }
    r.offset = saved;
  });
}
