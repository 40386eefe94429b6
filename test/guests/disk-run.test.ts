/**
 * runFromDisk and diskImage (src/guests/disk-run.ts), userPages
 * (src/guests/user-pages.ts): what chapter 01b relies on. A disk made
 * from files in memory holds them byte for byte; the kernel boots from it,
 * a program forks and execs another from it; the host's snapshot at each
 * `yield` sees fork's shared frames and the copies the child's stores make.
 */
import { describe, expect, it } from "vitest";
import { diskImage, runFromDisk } from "../../src/guests/disk-run";
import { readUserPages } from "../../src/guests/user-pages";
import { FsImage, MAX_FILE_BYTES, executableFromSource } from "../../src/guests/fs";
import type { ProcessInfo } from "../../src/guests/boot";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("diskImage", () => {
  it("holds the files at their paths, folders made, .s files assembled into executables", () => {
    const hello = "main: li a0, 3\n ret\n";
    const disk = FsImage.fromBytes(diskImage({ "/etc/motd": "hi\n", "/bin/hello.s": hello, "/raw": new Uint8Array([0, 255]) }));
    expect(text(disk.readFile("/etc/motd"))).toBe("hi\n");
    expect([...disk.readFile("/raw")]).toEqual([0, 255]);
    expect(disk.list("/").map((e) => `${e.name} ${e.kind}`)).toEqual(["bin directory", "etc directory", "raw file"]);
    expect(disk.readFile("/bin/hello")).toEqual(executableFromSource({ name: "hello.s", source: hello }));
  });

  it("refuses paths it cannot place, naming them", () => {
    expect(() => diskImage({ "etc/motd": "x" })).toThrow(/disk file "etc\/motd": name it by an absolute path/);
    expect(() => diskImage({ "/a/../b": "x" })).toThrow(/without empty, \. or \.\. parts/);
    expect(() => diskImage({ "/a": "x", "/a/b": "y" })).toThrow(/disk file \/a\/b: \/a is a file, not a folder/);
    expect(() => diskImage({ "/p": "x", "/p.s": "main: ret\n" })).toThrow(/disk file \/p\.s: the disk has "p" there already/);
    // A file larger than an inode reaches would be an image fsck and the kernel refuse: refused before it is written.
    expect(() => diskImage({ "/lib/big": new Uint8Array(MAX_FILE_BYTES + 1) })).toThrow(`the disk's files: /lib/big: ${MAX_FILE_BYTES + 1} bytes, more than the largest file`);
    expect(text(FsImage.fromBytes(diskImage({ "/lib/full": new Uint8Array(MAX_FILE_BYTES).fill(65) })).readFile("/lib/full")).length).toBe(MAX_FILE_BYTES);
  });
});

const forkExec = `
        .text
main:   push ra
        call fork
        bnez a0, parent
        la   a0, p_seven
        la   a1, argv
        call exec
        li   a0, 99
        call exit
parent: call wait
        mv   a0, a1
        call print_dec
        li   a0, 0
        pop  ra
        ret
        .data
p_seven: .asciz "/bin/seven"
        .align 4
argv:   .word p_seven, 0
`;

/** Owns 12 heap pages, forks; the child yields, stores to 5 of them, yields again. */
const cow = `
        .text
main:   push ra
        push s0
        li   a0, 12 * 4096
        call sbrk
        mv   s0, a0
        li   t1, 12
        mv   t2, s0
own:    sw   t1, 0(t2)
        li   t3, 4096
        add  t2, t2, t3
        addi t1, t1, -1
        bnez t1, own
        call fork
        bnez a0, parent
        call yield
        li   t1, 5
mine:   sw   zero, 0(s0)
        li   t3, 4096
        add  s0, s0, t3
        addi t1, t1, -1
        bnez t1, mine
        call yield
        li   a0, 0
        call exit
parent: call wait
        li   a0, 0
        pop  s0
        pop  ra
        ret
`;

describe("runFromDisk", () => {
  it("boots from the disk: a fork, an exec of another program on it, the exit status through wait", () => {
    const run = runFromDisk({ files: { "/bin/main.s": forkExec, "/bin/seven.s": "main: li a0, 7\n ret\n" }, programs: [{ diskPath: "/bin/main" }], timerInterval: 0 });
    expect([run.output, run.reason, run.exitCode]).toEqual(["7", "halted", 0]);
    // init is pid 1; the program it starts is pid 2, and its child pid 3.
    expect(run.processes.map((p) => `${p.pid} ${p.name} ${p.state}`)).toEqual(["1 init exited", "2 /bin/main reaped", "3 /bin/seven reaped"]);
    expect(run.cycles).toBeGreaterThan(0);
    expect(FsImage.fromBytes(run.disk).list("/bin").map((e) => e.name)).toEqual(["main", "seven"]);
  });

  it("sees fork's shared frames at a yield, and one copy for each page the child stores to", () => {
    const run = runFromDisk({ files: { "/cow.s": cow }, programs: [{ diskPath: "/cow" }], timerInterval: 0 });
    expect(run.reason).toBe("halted");
    const [before, after] = run.atYield;
    expect(run.atYield).toHaveLength(2);
    const parent = before.processes.find((p) => p.pid === 2);
    const child = before.processes.find((p) => p.pid === 3);
    // 12 heap pages, the code page, the stack page: all shared until someone stores
    expect(parent?.pages.length).toBe(14);
    expect(child?.frames).toEqual(parent?.frames);
    expect(before.sharedFrames).toBe(14);
    expect(after.sharedFrames).toBe(14 - 5);
    expect(after.cycle).toBeGreaterThan(before.cycle);
  });

  it("samples every sampleEvery cycles, in order, and refuses a period too short to be useful", () => {
    const run = runFromDisk({ files: { "/cow.s": cow }, programs: [{ diskPath: "/cow" }], timerInterval: 0, sampleEvery: 10_000 });
    expect(run.samples.length).toBeGreaterThan(5);
    const cycles = run.samples.map((s) => s.cycle);
    expect(cycles).toEqual([...cycles].sort((a, b) => a - b));
    expect(run.samples.some((s) => s.sharedFrames === 14)).toBe(true);
    expect(() => runFromDisk({ files: {}, programs: ["hello"], sampleEvery: 10 })).toThrow(/sampleEvery must be a whole number of cycles from 1000, not 10/);
  });

  it("stops at maxCycles when the program does not end", () => {
    const run = runFromDisk({ files: { "/spin.s": "main: j main\n" }, programs: [{ diskPath: "/spin" }], timerInterval: 0, maxCycles: 200_000, sampleEvery: 50_000 });
    expect(run.reason).toBe("max-cycles");
    expect(run.cycles).toBe(200_000);
    expect(run.samples).toHaveLength(3);
  });
});

describe("readUserPages", () => {
  it("skips page directories and tables outside RAM (a broken or hostile kernel)", () => {
    const words = new Map<number, number>([
      [0x1000 + 4 * 256, 0x2000 | 1], // a table in RAM, with one page
      [0x2000 + 4 * 3, 0x5000 | 1],
      [0x1000 + 4 * 257, 0xfff0_0000 | 1], // a table far outside
    ]);
    const proc = (pid: number, pageDirectory: number): ProcessInfo => ({
      pid, name: "p", parentPid: 0, state: "runnable", exitStatus: 0, cycles: 0, dispatches: 0, pageDirectory, heapStart: 0, brk: 0,
    });
    const pages = readUserPages((pa) => words.get(pa) ?? 0, 64 * 1024, [proc(1, 0x1000), proc(2, 0x7fff_f000)], 0);
    expect(pages.processes.map((p) => [p.pid, p.pages, p.frames])).toEqual([[1, [(256 << 10) | 3], [5]]]);
  });
});
