/**
 * `javap -c` (the JDK's disassembler) for our parsed class files, written
 * to give the same text as the JDK 17 tool for the subset we run: the
 * class header, every non-private field and method (javap's default
 * visibility), and each method's code with constant-pool comments and its
 * exception table. A test holds it byte for byte against the real javap.
 */
import { ACC, type ClassFile, type MemberInfo } from "./classfile/class-file";
import { findAttribute } from "./classfile/attributes";
import { decodeCode, type Instruction } from "./classfile/decode";
import { ARRAY_TYPES } from "./classfile/opcodes";
import { constantText } from "./javap-constants";
import { descriptorToJava, methodDescriptorToJava } from "./descriptors";

export function javap(cf: ClassFile): string {
  const out: string[] = [];
  const source = findAttribute(cf.attributes, "SourceFile");
  if (source) out.push(`Compiled from "${source.sourceFile}"`);
  out.push(classHeader(cf) + " {");
  const members = [
    ...cf.fields.filter(visible).map((f) => fieldText(f)),
    ...cf.methods.filter(visible).map((m) => methodText(cf, m)),
  ];
  if (members.length) out.push(members.join("\n").replace(/\n$/, ""));
  out.push("}");
  return out.join("\n").replace(/[ \t]+$/gm, "") + "\n";
}

const visible = (m: MemberInfo): boolean => (m.accessFlags & ACC.PRIVATE) === 0;

function dotted(name: string): string {
  return name.replace(/\//g, ".");
}

function classHeader(cf: ClassFile): string {
  const f = cf.accessFlags;
  const isInterface = (f & ACC.INTERFACE) !== 0;
  const words: string[] = [];
  if (f & ACC.PUBLIC) words.push("public");
  if (f & ACC.FINAL) words.push("final");
  if (f & ACC.ABSTRACT && !isInterface) words.push("abstract");
  words.push(isInterface ? "interface" : "class", dotted(cf.thisClass));
  if (isInterface) {
    if (cf.interfaces.length) words.push("extends", cf.interfaces.map(dotted).join(","));
  } else {
    if (cf.superClass && cf.superClass !== "java/lang/Object") words.push("extends", dotted(cf.superClass));
    if (cf.interfaces.length) words.push("implements", cf.interfaces.map(dotted).join(","));
  }
  return words.join(" ");
}

function modifiers(flags: number, table: readonly [number, string][]): string {
  return table.filter(([bit]) => flags & bit).map(([, w]) => w + " ").join("");
}

const FIELD_WORDS: [number, string][] = [
  [ACC.PUBLIC, "public"], [ACC.PRIVATE, "private"], [ACC.PROTECTED, "protected"], [ACC.STATIC, "static"],
  [ACC.FINAL, "final"], [ACC.VOLATILE, "volatile"], [ACC.TRANSIENT, "transient"],
];
const METHOD_WORDS: [number, string][] = [
  [ACC.PUBLIC, "public"], [ACC.PRIVATE, "private"], [ACC.PROTECTED, "protected"], [ACC.STATIC, "static"],
  [ACC.FINAL, "final"], [ACC.SYNCHRONIZED, "synchronized"], [ACC.NATIVE, "native"], [ACC.ABSTRACT, "abstract"],
  [ACC.STRICT, "strictfp"],
];

function fieldText(f: MemberInfo): string {
  return `  ${modifiers(f.accessFlags, FIELD_WORDS)}${descriptorToJava(f.descriptor)} ${f.name};\n`;
}

function methodText(cf: ClassFile, m: MemberInfo): string {
  const lines: string[] = [];
  const { params, ret } = methodDescriptorToJava(m.descriptor);
  const isInterface = (cf.accessFlags & ACC.INTERFACE) !== 0;
  let mods = modifiers(m.accessFlags, METHOD_WORDS);
  if (isInterface && !(m.accessFlags & (ACC.ABSTRACT | ACC.STATIC | ACC.PRIVATE))) mods += "default ";
  const exceptions = findAttribute(m.attributes, "Exceptions");
  const throwsText = exceptions ? " throws " + exceptions.classIndexes.map((i) => dotted(cf.pool.className(i, "Exceptions"))).join(", ") : "";
  if (m.name === "<clinit>") lines.push("  static {};");
  else if (m.name === "<init>") lines.push(`  ${mods}${dotted(cf.thisClass)}(${params.join(", ")})${throwsText};`);
  else lines.push(`  ${mods}${ret} ${m.name}(${params.join(", ")})${throwsText};`);
  if (m.code) {
    lines.push("    Code:");
    const base = m.code.codeOffset;
    for (const ins of decodeCode(m.code.code, cf.file, dotted(cf.thisClass), base)) lines.push(instructionText(cf, ins));
    if (m.code.exceptionTable.length) {
      lines.push("    Exception table:", "       from    to  target type");
      for (const h of m.code.exceptionTable) {
        const type = h.catchType === 0 ? "any" : `Class ${cf.pool.className(h.catchType, "exception table")}`;
        lines.push(`       ${[h.startPc, h.endPc, h.handlerPc].map((n) => String(n).padStart(5)).join(" ")}   ${type}`);
      }
    }
  }
  return lines.join("\n") + "\n";
}

/** javap's CodeWriter: "%4d: %-13s " then operands; constant comments at column 44. */
export function instructionText(cf: ClassFile, ins: Instruction): string {
  const mnemonic = ins.wide ? ins.info.mnemonic + "_w" : ins.info.mnemonic;
  const head = `    ${String(ins.pc).padStart(4)}: ${mnemonic.padEnd(13)} `;
  const withComment = (text: string, index: number): string => {
    const line = head + text;
    return line.padEnd(44) + "// " + constantText(cf, index);
  };
  const [a = 0, b = 0] = ins.operands;
  switch (ins.info.layout) {
    case "none": return head;
    case "local": case "byte": case "short": return head + a;
    case "iinc": return head + `${a}, ${b}`;
    case "branch2": case "branch4": return head + (ins.pc + a);
    case "newarray": return head + " " + (ARRAY_TYPES[a] ?? `atype ${a}`);
    case "cp1": case "cp2": case "invokedynamic": return withComment(`#${a}`, a);
    case "multianewarray": case "invokeinterface": return withComment(`#${a},  ${b}`, a);
    case "tableswitch": case "lookupswitch": return switchText(ins, head);
    case "wide": return head;
  }
}

function switchText(ins: Instruction, head: string): string {
  const t = ins.switchTable!;
  const title = ins.info.layout === "tableswitch" ? `{ // ${t.low} to ${t.high}` : `{ // ${t.keys.length}`;
  const rows = t.keys.map((k, i) => `          ${String(k).padStart(12)}: ${ins.pc + t.offsets[i]!}`);
  return [head + title, ...rows, `               default: ${ins.pc + t.defaultOffset}`, "          }"].join("\n");
}
