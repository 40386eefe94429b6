/**
 * The constant-pool comment javap prints after `// ` (the JDK's
 * ConstantWriter): `Method java/lang/Object."<init>":()V`, `String hi`,
 * `class "[I"`, `long 5l`. A name that is not a Java identifier path is
 * quoted; a member of the class being printed omits its class.
 */
import type { ClassFile } from "./classfile/class-file";
import { javaDoubleString } from "./java-number-text";

const IDENT_START = /[\p{L}\p{Nl}$_\p{Sc}\p{Pc}]/u;
const IDENT_PART = /[\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}$_\p{Sc}\p{Pc}]/u;

export function checkName(name: string): string {
  if (name === "") return '""';
  let prev = "/";
  for (const ch of name) {
    if ((prev === "/" && !IDENT_START.test(ch)) || (ch !== "/" && !IDENT_PART.test(ch))) return `"${escape(name)}"`;
    prev = ch;
  }
  return name;
}

const ESCAPES: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f", '"': '\\"', "'": "\\'", "\\": "\\\\" };

export function escape(s: string): string {
  let out = "";
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    out += ESCAPES[ch] ?? (code < 0x20 || (code >= 0x7f && code < 0xa0) ? `\\u${code.toString(16).padStart(4, "0")}` : ch);
  }
  return out;
}

export function constantText(cf: ClassFile, index: number): string {
  const pool = cf.pool;
  const c = pool.get(index, ["Utf8", "Integer", "Float", "Long", "Double", "Class", "String", "Fieldref", "Methodref",
    "InterfaceMethodref", "NameAndType", "MethodHandle", "MethodType", "Dynamic", "InvokeDynamic", "Module", "Package"], "javap");
  switch (c.tag) {
    case "Utf8": return escape(c.value);
    case "Integer": return `int ${c.value}`;
    case "Float": return `float ${javaDoubleString(c.value, true)}f`;
    case "Long": return `long ${c.value}l`;
    case "Double": return `double ${javaDoubleString(c.value, false)}d`;
    case "Class": return `class ${checkName(pool.utf8(c.nameIndex, "javap"))}`;
    case "String": return `String ${escape(pool.utf8(c.stringIndex, "javap"))}`;
    case "Fieldref": case "Methodref": case "InterfaceMethodref": {
      const ref = pool.memberRef(index, "javap");
      const kind = c.tag === "Fieldref" ? "Field" : c.tag === "Methodref" ? "Method" : "InterfaceMethod";
      const owner = ref.className === cf.thisClass ? "" : checkName(ref.className) + ".";
      return `${kind} ${owner}${checkName(ref.name)}:${ref.descriptor}`;
    }
    case "NameAndType": { const nt = pool.nameAndType(index, "javap"); return `NameAndType ${checkName(nt.name)}:${nt.descriptor}`; }
    case "MethodType": return `MethodType ${pool.utf8(c.descriptorIndex, "javap")}`;
    case "MethodHandle": return `MethodHandle ${c.referenceKind}:#${c.referenceIndex}`;
    case "Dynamic": case "InvokeDynamic": {
      const nt = pool.nameAndType(c.nameAndTypeIndex, "javap");
      return `${c.tag} #${c.bootstrapMethodAttrIndex}:${checkName(nt.name)}:${nt.descriptor}`;
    }
    case "Module": case "Package": return `${c.tag} ${pool.utf8(c.nameIndex, "javap")}`;
  }
}
