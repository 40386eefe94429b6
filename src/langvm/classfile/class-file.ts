/**
 * The ClassFile structure, JVMS 17 4.1:
 *
 *   ClassFile {
 *     u4 magic;                 0xCAFEBABE
 *     u2 minor_version; u2 major_version;
 *     u2 constant_pool_count;   cp_info constant_pool[constant_pool_count-1];
 *     u2 access_flags; u2 this_class; u2 super_class;
 *     u2 interfaces_count;      u2 interfaces[interfaces_count];
 *     u2 fields_count;          field_info fields[fields_count];
 *     u2 methods_count;         method_info methods[methods_count];
 *     u2 attributes_count;      attribute_info attributes[attributes_count];
 *   }
 *
 * parseClassFile reads it whole or throws a ClassFormatError naming the
 * file, the class and the byte offset.
 */
import { ByteReader } from "./byte-reader";
import { readAttributes, findAttribute, type Attribute, type CodeAttribute } from "./attributes";
import { isValidDescriptor } from "../descriptors";
import { readConstantPool, type ConstantPool } from "./constant-pool";

export const ACC = {
  PUBLIC: 0x0001, PRIVATE: 0x0002, PROTECTED: 0x0004, STATIC: 0x0008, FINAL: 0x0010, SUPER: 0x0020,
  SYNCHRONIZED: 0x0020, VOLATILE: 0x0040, BRIDGE: 0x0040, TRANSIENT: 0x0080, VARARGS: 0x0080, NATIVE: 0x0100,
  INTERFACE: 0x0200, ABSTRACT: 0x0400, STRICT: 0x0800, SYNTHETIC: 0x1000, ANNOTATION: 0x2000, ENUM: 0x4000,
} as const;

export interface MemberInfo {
  accessFlags: number;
  name: string;
  descriptor: string;
  attributes: Attribute[];
  code?: CodeAttribute;
}

export interface ClassFile {
  file: string;
  minorVersion: number;
  majorVersion: number;
  pool: ConstantPool;
  accessFlags: number;
  thisClass: string;
  superClass: string | undefined;
  interfaces: string[];
  fields: MemberInfo[];
  methods: MemberInfo[];
  attributes: Attribute[];
}

/** JVMS 4.1: "a class file whose major_version is 61 ... supports Java SE 17". */
export const MAX_MAJOR_VERSION = 61;

export function parseClassFile(bytes: Uint8Array, file = "<bytes>"): ClassFile {
  const r = new ByteReader(bytes, file);
  const magic = r.u4("magic");
  if (magic !== 0xcafebabe) r.fail(`bad magic 0x${magic.toString(16).padStart(8, "0")} (a class file starts with 0xCAFEBABE)`, 0);
  const minorVersion = r.u2("minor_version"), majorVersion = r.u2("major_version");
  if (majorVersion < 45 || majorVersion > MAX_MAJOR_VERSION)
    r.fail(`class file version ${majorVersion}.${minorVersion} is not in 45..${MAX_MAJOR_VERSION} (Java SE 17)`, 6);
  const pool = readConstantPool(r);
  const accessFlags = r.u2("access_flags");
  const thisClass = pool.className(r.u2("this_class"), "this_class");
  r.className = thisClass.replace(/\//g, ".");
  const superIndex = r.u2("super_class");
  const superClass = superIndex === 0 ? undefined : pool.className(superIndex, "super_class");
  if (superClass === undefined && thisClass !== "java/lang/Object") r.fail("super_class is 0, but only java/lang/Object has no superclass (JVMS 4.1)");
  const interfaces: string[] = [];
  const ni = r.u2("interfaces_count");
  for (let i = 0; i < ni; i++) interfaces.push(pool.className(r.u2(`interfaces[${i}]`), `interfaces[${i}]`));
  const fields = readMembers(r, pool, "field");
  const methods = readMembers(r, pool, "method");
  const attributes = readAttributes(r, pool, "class");
  if (r.offset !== bytes.length) r.fail(`${bytes.length - r.offset} extra bytes after the last attribute`);
  return { file, minorVersion, majorVersion, pool, accessFlags, thisClass, superClass, interfaces, fields, methods, attributes };
}

function readMembers(r: ByteReader, pool: ConstantPool, kind: "field" | "method"): MemberInfo[] {
  const count = r.u2(`${kind}s_count`);
  const list: MemberInfo[] = [];
  for (let i = 0; i < count; i++) {
    const accessFlags = r.u2(`${kind} ${i} access_flags`);
    const name = pool.utf8(r.u2(`${kind} ${i} name_index`), `${kind} ${i} name`);
    const descriptor = pool.utf8(r.u2(`${kind} ${i} descriptor_index`), `${kind} ${name} descriptor`);
    if (!isValidDescriptor(descriptor, kind === "method")) r.fail(`${kind} ${name}: malformed descriptor "${descriptor}" (JVMS 4.3)`, r.offset - 2);
    const attributes = readAttributes(r, pool, `${kind} ${name}${kind === "method" ? descriptor : ""}`);
    const code = findAttribute(attributes, "Code")?.code;
    list.push({ accessFlags, name, descriptor, attributes, ...(code ? { code } : {}) });
  }
  return list;
}
