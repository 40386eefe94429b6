import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ClassFormatError, decodeCode, javap, parseClassFile } from "../../src/langvm";
import { compileTestPrograms } from "./javac";

const compiled = compileTestPrograms();
afterAll(() => rmSync(compiled.dir, { recursive: true, force: true }));
const bytesOf = (cls: string): Uint8Array => new Uint8Array(readFileSync(join(compiled.dir, cls)));

/** Parse and disassemble; anything but a ClassFormatError is a host crash. */
function parseOrReject(bytes: Uint8Array): "ok" | ClassFormatError {
  try {
    javap(parseClassFile(bytes, "fuzz.class"));
    return "ok";
  } catch (e) {
    if (e instanceof ClassFormatError) return e;
    throw e;
  }
}

describe("the class-file parser (JVMS 17 chapter 4)", () => {
  it("reads what javac 17 writes: version 61, names, constants, members, code", () => {
    const cf = parseClassFile(bytesOf("Wide.class"), "Wide.class");
    expect(cf.majorVersion).toBe(61);
    expect(cf.thisClass).toBe("Wide");
    expect(cf.superClass).toBe("java/lang/Object");
    expect(cf.fields.map((f) => `${f.name}:${f.descriptor}`)).toEqual(["BIG:J", "TEXT:Ljava/lang/String;"]);
    const tags = new Set(cf.pool.entries.map((c) => c?.tag));
    expect([...tags]).toEqual(expect.arrayContaining(["Utf8", "Class", "String", "Long", "Double", "Float", "Methodref", "Fieldref", "NameAndType"]));
    expect(cf.pool.entries.some((c) => c?.tag === "Long" && c.value === -9000000000n)).toBe(true);
    expect(cf.pool.entries.some((c) => c?.tag === "Utf8" && c.value === "tab\tquote\" back\\ é")).toBe(true);
    const many = cf.methods.find((m) => m.name === "many")!;
    expect(many.code!.maxLocals).toBeGreaterThan(10);
    expect(many.code!.attributes.map((a) => a.name)).toEqual(expect.arrayContaining(["LineNumberTable", "StackMapTable"]));
  });

  it("names the file, class, byte offset and reason of a bad magic number", () => {
    const b = bytesOf("Wide.class").slice();
    b[0] = 0xca; b[3] = 0x00;
    expect(() => parseClassFile(b, "Bad.class")).toThrow("Bad.class: ClassFormatError at byte 0: bad magic 0xcafeba00");
  });

  it("names the entry and offset of a constant-pool index that points nowhere", () => {
    const b = bytesOf("Wide.class").slice();
    // constant pool #1 is javac's Methodref Object.<init> (tag 10 at byte 10): aim its class at #65535.
    expect(b[10]).toBe(10);
    b[11] = 0xff; b[12] = 0xff;
    expect(() => parseClassFile(b, "Bad.class")).toThrow(/^Bad\.class: ClassFormatError at byte 10: constant pool #1 \(Methodref\): constant pool index 65535 is not a valid entry/);
  });

  it("rejects every truncation of every test class with a ClassFormatError", () => {
    for (const cls of compiled.classes) {
      const b = bytesOf(cls);
      for (let n = 0; n < b.length; n++) {
        const r = parseOrReject(b.subarray(0, n));
        expect(r, `${cls} cut to ${n} bytes`).toBeInstanceOf(ClassFormatError);
      }
    }
  });

  it("survives thousands of random corruptions without a host crash", () => {
    let seed = 12345;
    const random = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % n; };
    let rejected = 0;
    for (let trial = 0; trial < 4000; trial++) {
      const b = bytesOf(compiled.classes[trial % compiled.classes.length]!).slice();
      const flips = 1 + random(4);
      for (let k = 0; k < flips; k++) b[random(b.length)] = random(256);
      if (parseOrReject(b) !== "ok") rejected++;
    }
    expect(rejected).toBeGreaterThan(500);
  });
});

describe("decoding code (JVMS 17 chapter 6)", () => {
  it("names the file offset of an unknown opcode inside a method", () => {
    const cf = parseClassFile(bytesOf("Wide.class"), "Wide.class");
    const main = cf.methods.find((m) => m.name === "main")!.code!;
    const b = bytesOf("Wide.class").slice();
    b[main.codeOffset + 1] = 0xfe; // impdep1 is reserved (JVMS 6.2) and not in our table
    expect(() => javap(parseClassFile(b, "Wide.class"))).toThrow(
      `Wide.class (class Wide): ClassFormatError at byte ${main.codeOffset + 1}: code: unknown opcode 0xfe at pc 1`,
    );
  });

  it("decodes tableswitch and lookupswitch with their padding, keys and targets", () => {
    const cf = parseClassFile(bytesOf("Shapes.class"), "Shapes.class");
    const classify = cf.methods.find((m) => m.name === "classify")!.code!;
    const ins = decodeCode(classify.code, "Shapes.class", "Shapes", classify.codeOffset);
    const sw = ins.find((i) => i.info.mnemonic === "tableswitch")!;
    expect(sw.pc).toBe(1);
    expect(sw.length).toBe(1 + 2 + 12 + 3 * 4);
    expect(sw.switchTable!.keys).toEqual([1, 2, 3]);
    expect(sw.switchTable!.offsets.map((o) => o + sw.pc)).toEqual([28, 31, 34]);
  });
});
