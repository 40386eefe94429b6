/** `vmlab boot`: the guest kernel from the command line. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { register } from "../../src/cli/commands/boot";
import { UserError } from "../../src/errors";
import { untilFirstLine } from "../machine/pipe-helpers";
import { FsImage, mkfs } from "../../src/guests/fs";
import { runCommand } from "../cli/run-command";
import { WRITER } from "./disk-writer";

/** Runs `vmlab boot ARGS` in-process; returns stdout, stderr and the exit status. */
const boot = (...args: string[]) => runCommand(register, ["boot", ...args]);

afterEach(() => vi.restoreAllMocks());

describe("vmlab boot", () => {
  it("boots hello, compute and fault by default, children of init (pid 1); the exit status counts the killed", async () => {
    const r = await boot("--table");
    expect(r.stdout).toContain("hello, world\n");
    // init forks pids 2, 3, 4 in order; it prints only because one failed
    expect(r.stdout).toContain("[kernel] pid 4 killed: PAGE_FAULT_STORE at 0x00000000\n");
    expect(r.stdout.endsWith("[init] 1 of 3 programs failed\n")).toBe(true);
    expect(r.stderr).toMatch(/^pid\s+name\s+state/);
    expect(r.stderr).toMatch(/\n1\s+init\s+exited\s+1\s/);
    expect(r.stderr).toMatch(/\n2\s+hello\s+reaped\s+0\s/);
    expect(r.stderr).toMatch(/\n4\s+fault\s+reaped\s+-1\s/);
    expect(r.status).toBe(1);
  });

  it("init prints nothing of its own when every program exits by itself", async () => {
    const r = await boot("hello", "--timer", "0");
    expect(r.stdout).toBe("hello, world\n");
    expect(r.status).toBe(0);
  });

  it("takes program names and the timer interval", async () => {
    const r = await boot("ticker", "ticker", "--timer", "0");
    expect(r.stdout.split("\n").slice(0, 5)).toEqual(["pid 2 tick 0", "pid 2 tick 1", "pid 2 tick 2", "pid 2 tick 3", "pid 3 tick 0"]);
    expect(r.status).toBe(0);
  });

  it("boots the software-tlb platform with --platform, printing what native prints", async () => {
    const native = await boot("hello", "fault", "pingpong", "--timer", "0", "--table");
    const swtlb = await boot("hello", "fault", "pingpong", "--platform", "software-tlb", "--timer", "0", "--table");
    expect(swtlb.stdout).toBe(native.stdout);
    expect(swtlb.status).toBe(1);
    expect(swtlb.stderr).toMatch(/\n3\s+fault\s+reaped\s+-1\s/);
    await expect(boot("hello", "--platform", "paravirtual")).rejects.toThrow(/--platform paravirtual: vmlab boot runs native or software-tlb/);
    await expect(boot("hello", "--platform", "mips")).rejects.toThrow(UserError);
  });

  it("lists the programs", async () => {
    expect((await boot("--list")).stdout.split("\n")).toEqual(expect.arrayContaining(["hello", "compute", "fault"]));
  });

  it("reports an unknown program or a bad flag as a user error", async () => {
    await expect(boot("nope")).rejects.toThrow(UserError);
    await expect(boot(...Array<string>(8).fill("hello"))).rejects.toThrow("the kernel runs 1 to 7 programs under init, not 8");
    await expect(boot("hello", "--timer", "soon")).rejects.toThrow(/--timer "soon": expected a whole number/);
    await expect(boot("missing.s")).rejects.toThrow(/cannot read missing\.s: no such file/);
  });

  it("stops a guest at --max-cycles with status 124", async () => {
    const r = await boot("compute", "--max-cycles", "10000");
    expect(r.status).toBe(124);
    expect(r.stderr).toContain("cycle limit");
  });
});

describe("vmlab boot: messages that name the user's flags and files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-boot-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };
  const oneLine = async (...args: string[]): Promise<string> => {
    const error: unknown = await boot(...args).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    return (error as UserError).message;
  };

  it("a program without main: gets one line about the program, not errors inside ulib.s", async () => {
    const message = await oneLine(file("nomain.s", "start:  li a0, 1\n        ret\n"));
    expect(message).toBe("nomain.s has no main: label");
    expect(message).not.toContain("ulib.s");
  });

  it("an empty program says it is empty", async () => {
    expect(await oneLine(file("empty.s", "\n\n"))).toBe("empty.s is empty");
  });

  it("--timer under what the kernel's timer path takes is refused, saying why", async () => {
    const error = await boot("hello", "--timer", "100").catch((e: UserError) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe("--timer 100 is too short: give 0 (no preemption) or at least 500 cycles");
    expect((error as UserError).hint).toContain("no process makes progress");
    expect((await boot("hello", "--timer", "500")).stdout).toContain("hello, world\n");
  });

  it("memory messages say --memory, not memoryBytes", async () => {
    expect(await oneLine("hello", "--memory", "1000")).toBe('--memory "1000": expected a whole number of bytes from 131072 to 1073741824');
    expect(await oneLine("hello", "--memory", "200000")).toBe("--memory 200000 is not a multiple of 4096 (a page)");
    const error = await boot(...Array<string>(7).fill("hello"), "--memory", String(128 * 1024)).catch((e: UserError) => e);
    expect((error as UserError).message).toMatch(/need more than the kernel's 131072 bytes/);
    expect((error as UserError).hint).toContain("vmlab boot --memory");
  });

  it("--max-cycles must be a positive whole number", async () => {
    expect(await oneLine("hello", "--max-cycles", "0")).toMatch(/^--max-cycles "0": expected a whole number of cycles from 1 to/);
  });

  it("stops a guest printing forever when its stdout closes, and exits quietly", async () => {
    const forever = file("forever.s", 'main:   la   a0, msg\n        call print\n        j    main\nmsg:    .asciz "again\\n"\n');
    const r = await untilFirstLine(["boot", forever, "--max-cycles", "1000000000000"]);
    expect(r).toMatchObject({ killed: false, firstLine: "again", other: "", status: 0 });
  });
});

describe("vmlab boot --disk: programs from a file system image", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-boot-disk-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const echo = fs.readFileSync(path.join(__dirname, "kernel-programs", "disk", "echo.s"), "utf8");
  /** A fresh image of echo, writer and a text file. */
  const image = (name: string): string => {
    const src = path.join(dir, `${name}-src`);
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, "echo.s"), echo);
    fs.writeFileSync(path.join(src, "writer.s"), WRITER);
    fs.writeFileSync(path.join(src, "note.txt"), "a text note, not a program\n");
    const file = path.join(dir, `${name}.img`);
    fs.writeFileSync(file, mkfs(src, { size: 256 * 1024 }));
    return file;
  };

  it("runs disk:PATH with its arguments as a child of init, beside built-in programs, in pid order", async () => {
    const r = await boot("--disk", image("run"), "disk:/echo one two", "hello", "--table");
    // hello runs while the disk reads /echo: the disk driver sleeps, it does not spin
    expect(r.stdout).toBe("hello, world\necho argc=3 one two\n");
    expect(r.stderr).toMatch(/\n1\s+init\s+exited\s+0\s/);
    expect(r.stderr).toMatch(/\n2\s+\/echo\s+reaped\s+7\s/);
    expect(r.stderr).toMatch(/\n3\s+hello\s+reaped\s+0\s/);
    expect(r.status).toBe(0);
  });

  it("saves what the guest wrote to the image, which stays sound", async () => {
    const file = image("save");
    expect((await boot("--disk", file, "disk:/writer")).status).toBe(0);
    expect(new TextDecoder().decode(FsImage.open(file).readFile("/out.txt"))).toBe("saved\n");
    expect(fs.readdirSync(dir).filter((f) => f.includes(".vmlab-"))).toEqual([]);
  });

  it("refuses a corrupt image, a missing program, a file that is not one, and disk: without --disk", async () => {
    const bad = path.join(dir, "bad.img");
    const bytes = fs.readFileSync(image("bad"));
    bytes[1024] ^= 0xff; // the superblock's magic
    fs.writeFileSync(bad, bytes);
    await expect(boot("--disk", bad, "hello")).rejects.toThrow(/bad\.img: block 1 \(superblock\) \+0 MAGIC: .* is not "TFS1"/);
    expect(fs.readFileSync(bad)).toEqual(bytes); // untouched
    const good = image("refuse");
    await expect(boot("--disk", good, "disk:/nope")).rejects.toThrow(/no \/nope: \/ has no entry "nope"/);
    await expect(boot("--disk", good, "disk:/note.txt")).rejects.toThrow(/\/note\.txt: \+0 MAGIC 0x[0-9a-f]+ is not "TX32"/);
    await expect(boot("disk:/echo")).rejects.toThrow("disk:/echo: a program on the disk needs a disk");
    await expect(boot("--disk", good, "disk:echo")).rejects.toThrow(/absolute path on the disk/);
  });
});
