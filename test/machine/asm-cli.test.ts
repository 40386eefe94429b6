/**
 * `vmlab asm` end to end through bin/vmlab.js (the built CLI in dist/:
 * `npm test` builds first).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { untilFirstLine } from "./pipe-helpers";

const BIN = path.join(__dirname, "..", "..", "bin", "vmlab.js");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-asm-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function vmlab(source: string, ...flags: string[]) {
  const file = path.join(dir, `t${Math.random().toString(36).slice(2)}.s`);
  fs.writeFileSync(file, source);
  const r = spawnSync(process.execPath, [BIN, "asm", file, ...flags], { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, file };
}

const HELLO = `
        li   t0, 0xffff0000
        la   a1, msg
next:   lbu  a2, 0(a1)
        beqz a2, done
        sb   a2, 0(t0)
        addi a1, a1, 1
        j    next
done:   li   a0, 300        # exit status 300 & 255 = 44
        halt
msg:    .asciz "hello from toy32\\n"
`;

describe("vmlab asm", () => {
  it("assembles and runs: the console on stdout, a0 & 255 as the exit status", () => {
    const r = vmlab(HELLO);
    expect(r.stdout).toBe("hello from toy32\n");
    expect(r.status).toBe(44);
    expect(r.stderr).toBe("");
  });

  it("reports every assembly error on stderr with file:line:col and a caret, and exits 2 like every UserError", () => {
    const r = vmlab("        addi a0, a0\n        bogus t0\n        halt\n");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${r.file}:1:9: error:`);
    expect(r.stderr).toContain(`${r.file}:2:9: error: unknown instruction 'bogus'`);
    expect(r.stderr).toMatch(/\n\s+bogus t0\n\s+\^/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it("a missing file is a one-line error", () => {
    const r = spawnSync(process.execPath, [BIN, "asm", path.join(dir, "nope.s")], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*nope\.s: no such file/);
  });

  it("stops a guest that runs past --max-cycles with a message and exit status 124", () => {
    const r = vmlab("loop: j loop\n", "--max-cycles", "5000");
    expect(r.status).toBe(124);
    expect(r.stderr).toContain("5000 cycles without halting");
    expect(r.stderr).toContain("--max-cycles");
  });

  it("prints the triple-fault report and exits 125", () => {
    const r = vmlab("li a0, 1\nsys\n");
    expect(r.status).toBe(125);
    expect(r.stderr).toContain("triple fault: SYSCALL");
    expect(r.stderr).toContain("TVEC is 0");
  });

  it("--trace prints each instruction to stderr, the console still on stdout", () => {
    const r = vmlab("li a0, 3\nli t0, 0xffff0000\nli t1, 'x'\nsb t1, 0(t0)\nhalt\n", "--trace");
    expect(r.status).toBe(3);
    expect(r.stdout).toBe("x");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^\s+0\s+00000000\s+K\s+10100003\s+addi a0, zero, 3\s+a0: 0x3$/);
    expect(lines.at(-1)).toMatch(/halt/);
  });

  it("--disasm and --listing print and exit without running", () => {
    const d = vmlab(HELLO, "--disasm");
    expect(d.status).toBe(0);
    expect(d.stdout).toContain("next:");
    expect(d.stdout).toMatch(/00000000  [0-9a-f]{8}  lui t0, 0xffff/);
    expect(d.stdout).not.toContain("hello from toy32");
    const l = vmlab(HELLO, "--listing");
    expect(l.status).toBe(0);
    expect(l.stdout).toContain("halt");
    expect(l.stdout).not.toContain("hello from toy32\n");
  });

  it("--virtualizable makes pushf trap in user mode; --software-tlb makes paging trap TLB_MISS", () => {
    const user = `
        la   t0, handler
        csrw TVEC, t0
        la   t0, user
        csrw EPC, t0
        rett
user:   pushf a1
        li   a0, 0
        sys
handler: csrr a0, CAUSE
        halt
`;
    expect(vmlab(user).status).toBe(1); // SYSCALL: pushf ran
    expect(vmlab(user, "--virtualizable").status).toBe(4); // PRIVILEGED_INSTRUCTION
    const paging = "csrr t0, STATUS\nori t0, t0, 16\ncsrw STATUS, t0\nhalt\n";
    const r = vmlab(paging, "--software-tlb");
    expect(r.status).toBe(125);
    expect(r.stderr).toContain("TLB_MISS");
  });
});

/** An endless loop printing "y\n". */
const ENDLESS = `
        li   t0, 0xffff0000
        li   t1, 'y'
        li   t2, 10
loop:   sb   t1, 0(t0)
        sb   t2, 0(t0)
        j    loop
`;

function sourceFile(text: string | Buffer): string {
  const file = path.join(dir, `t${Math.random().toString(36).slice(2)}.s`);
  fs.writeFileSync(file, text);
  return file;
}

describe("vmlab asm when stdout closes (`| head -1`)", () => {
  it("stops a guest in an endless print loop and exits quietly: status 0, nothing on stderr", async () => {
    const r = await untilFirstLine(["asm", sourceFile(ENDLESS), "--max-cycles", "1000000000000"]);
    expect(r).toMatchObject({ killed: false, firstLine: "y", other: "", status: 0 });
  });

  it("a long --listing ends quietly too, and --trace stops the guest when stderr closes", async () => {
    const listing = await untilFirstLine(["asm", sourceFile("  nop\n".repeat(20_000) + "  halt\n"), "--listing"]);
    expect(listing).toMatchObject({ killed: false, other: "", status: 0 });
    expect(listing.firstLine).toMatch(/^00000000\s+10000000\s+1\s+nop$/);
    const trace = await untilFirstLine(["asm", sourceFile("loop: j loop\n"), "--trace", "--max-cycles", "1000000000000"], "stderr");
    expect(trace).toMatchObject({ killed: false, other: "", status: 0 });
    expect(trace.firstLine).toMatch(/j loop|jal/);
  });
});

describe("vmlab asm on input that is not a program", () => {
  it("refuses a file past the size cap, and /dev/zero (endless) as binary, without reading them whole", () => {
    const big = sourceFile(Buffer.alloc(5 * 1024 * 1024, "# padding\n"));
    const r = spawnSync(process.execPath, [BIN, "asm", big], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`vmlab: cannot read ${big}: it is larger than 4 MiB, the most vmlab reads as a source file\n`);
    const zero = spawnSync(process.execPath, [BIN, "asm", "/dev/zero"], { encoding: "utf8", timeout: 30_000 });
    expect(zero.status).toBe(2);
    expect(zero.stderr).toBe("vmlab: /dev/zero is a binary file (byte 0x00 at offset 0), not assembly text\n");
  });

  it("calls a binary file binary, with the offset of its first non-text byte, and echoes none of it", () => {
    const elf = Buffer.concat([Buffer.from("nop\n\x7fELF"), Buffer.from([0x02, 0x01, 0x00, 0xff, 0xfe])]);
    const r = spawnSync(process.execPath, [BIN, "asm", sourceFile(elf)], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^vmlab: \S+\.s is a binary file \(byte 0x7f at offset 4\), not assembly text\n$/);
    const random = spawnSync(process.execPath, [BIN, "asm", "/dev/urandom"], { encoding: "utf8", timeout: 30_000 });
    expect(random.status).toBe(2);
    expect(random.stderr).toMatch(/^vmlab: \/dev\/urandom is (a binary file \(byte 0x[0-9a-f]{2} at offset \d+\)|larger than)/);
    expect(random.stderr.length).toBeLessThan(200);
  });

  it("shows 20 of 20,000 errors and says how many more; a long line is cut around its column", () => {
    const r = vmlab("bogus a0\n".repeat(20_000));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(":20:1: error: unknown instruction 'bogus'");
    expect(r.stderr).not.toContain(":21:1:");
    expect(r.stderr).toContain("... and 19980 more errors (20000 in all)");
    expect(r.stderr.length).toBeLessThan(3000);
    const long = vmlab(`  addi a0, a0, ${"1+".repeat(50_000)}@\n`);
    expect(long.stderr).toContain(":1:100016: error: unexpected character '@'");
    expect(long.stderr.length).toBeLessThan(600);
    const [, echoed, caret] = long.stderr.split("\n");
    expect(echoed.startsWith("    ...")).toBe(true);
    expect(caret.indexOf("^")).toBe(echoed.indexOf("@"));
  });

  it("an empty program says it is empty; --max-cycles out of range names its range", () => {
    expect(vmlab("# nothing here\n").stderr).toMatch(/^vmlab: \S+\.s is empty: no instructions to run\n$/);
    const r = vmlab(HELLO, "--max-cycles", "0");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('vmlab: --max-cycles "0": expected a whole number of cycles from 1 to 9007199254740991\n');
  });
});
