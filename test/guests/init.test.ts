/**
 * init.s: pid 1 forks a child per program of the boot configuration (exec
 * from the disk with argv, bootexec for a built-in one), waits for them
 * all, orphans included, and the kernel halts with the number of its
 * programs that failed; on every platform and under every technique.
 */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { bootKernel, processTable } from "../../src/guests/boot";
import { mkfs } from "../../src/guests/fs";
import { Hypervisor, type Technique } from "../../src/hypervisor/hypervisor";
import { buildKernelImage, type KernelPlatform, type ProgramSpec } from "../../src/guests/loader";

const DISK = mkfs(path.join(__dirname, "kernel-programs", "disk"), { size: 256 * 1024 });
const MAX_CYCLES = 20_000_000;

/** Two disk programs (one missing), two built-in ones (one faults). */
const MIXED: readonly ProgramSpec[] = [{ diskPath: "/echo", args: ["a", "b c"] }, { diskPath: "/missing" }, "hello", "fault"];
const MIXED_OUTPUT = [
  "hello, world", // hello, in memory, runs while the disk reads /echo
  "fault: storing to address 0",
  "[kernel] pid 5 killed: PAGE_FAULT_STORE at 0x00000000",
  "echo argc=3 a b c",
  "[init] cannot exec /missing: no such executable on the disk",
  "[init] 2 of 4 programs failed",
].map((line) => `${line}\n`).join("");

describe("init: one pid 1 that starts the boot configuration's programs", () => {
  it("forks a child per program in order, execs or bootexecs it, and halts with the number that failed", () => {
    const m = bootKernel({ programs: MIXED, timerInterval: 0, machine: { disk: DISK } });
    const r = m.run({ maxCycles: MAX_CYCLES });
    expect(m.console.output).toBe(MIXED_OUTPUT);
    expect(`${r.reason} ${r.exitCode}`).toBe("halted 2");
    // init reaped them: free entries that still hold their records; the one
    // whose exec failed is init's child that killed itself
    expect(processTable(m).map((p) => [p.pid, p.name, p.state, p.exitStatus, p.parentPid])).toEqual([
      [1, "init", "exited", 2, 0],
      [2, "/echo", "reaped", 7, 1],
      [3, "init", "reaped", -1, 1],
      [4, "hello", "reaped", 0, 1],
      [5, "fault", "reaped", -1, 1],
    ]);
  });

  it("prints nothing of its own when every program exits by itself, whatever their codes", () => {
    const m = bootKernel({ programs: ["hello", { diskPath: "/echo" }], timerInterval: 2_000, machine: { disk: DISK } });
    const r = m.run({ maxCycles: MAX_CYCLES });
    expect(m.console.output).toBe("hello, world\necho argc=1\n");
    expect(`${r.reason} ${r.exitCode}`).toBe("halted 0");
  });

  it("is asked for with init: true when no program is on the disk, and then needs no disk", () => {
    const m = bootKernel({ programs: ["ticker", "ticker"], init: true, timerInterval: 0 });
    const r = m.run({ maxCycles: MAX_CYCLES });
    expect(`${r.reason} ${r.exitCode}`).toBe("halted 0");
    // without init the tickers are pids 1 and 2; under it, 2 and 3
    const plain = bootKernel({ programs: ["ticker", "ticker"], timerInterval: 0 });
    plain.run({ maxCycles: MAX_CYCLES });
    expect(m.console.output.split("\n")[0]).toBe("pid 2 tick 0");
    expect(m.console.output).toBe(plain.console.output.replace(/pid (\d)/g, (_, pid: string) => `pid ${Number(pid) + 1}`));
  });

  it("inherits an orphan and waits for it; the orphan's failure is not one of its programs'", () => {
    const orphaner = {
      name: "orphaner",
      source: [
        "main:   push ra",
        "        call fork",
        "        beqz a0, child",
        "        li   a0, 0",
        "        pop  ra",
        "        ret                         # the parent exits at once",
        "child:  call yield",
        "        call yield",
        "        la   a0, msg",
        "        call print",
        "        li   t0, 0",
        "        sw   t0, 0(t0)",
        "        .data",
        'msg:    .asciz "orphan\\n"',
      ].join("\n"),
    };
    const m = bootKernel({ programs: [orphaner], init: true, timerInterval: 0 });
    const r = m.run({ maxCycles: MAX_CYCLES });
    expect(m.console.output).toBe("orphan\n[kernel] pid 3 killed: PAGE_FAULT_STORE at 0x00000000\n");
    expect(`${r.reason} ${r.exitCode}`).toBe("halted 0");
    expect(processTable(m).find((p) => p.pid === 3)).toMatchObject({ state: "reaped", exitStatus: -1, parentPid: 1 });
  });

  it("bootexec refuses an entry the boot table does not have, leaving the caller as it was", () => {
    const probe = {
      name: "probe",
      source: ["main:   push ra", "        li   a0, 20", "        li   a1, 9", "        sys", "        call print_dec", "        li   a0, 0", "        pop  ra", "        ret"].join("\n"),
    };
    const m = bootKernel({ programs: [probe], init: true, timerInterval: 0 });
    expect(m.run({ maxCycles: MAX_CYCLES }).exitCode).toBe(0);
    expect(m.console.output).toBe("-1");
  });

  it("refuses a relative path, a non-ASCII argument, too many arguments and more programs than init can start", () => {
    expect(() => buildKernelImage({ programs: [{ diskPath: "echo" }] })).toThrow(/absolute path/);
    expect(() => buildKernelImage({ programs: [{ diskPath: "/echo", args: ["é"] }] })).toThrow(/not printable ASCII/);
    expect(() => buildKernelImage({ programs: [{ diskPath: "/echo", args: Array<string>(16).fill("x") }] })).toThrow(/at most 15/);
    expect(() => buildKernelImage({ programs: Array<string>(8).fill("hello"), init: true })).toThrow("the kernel runs 1 to 7 programs under init, not 8");
  });
});

const SETTINGS: readonly { technique: Technique; platform: KernelPlatform }[] = [
  { technique: "trap-and-emulate", platform: "native" },
  { technique: "binary-translation", platform: "native" },
  { technique: "hardware-assist", platform: "native" },
  { technique: "trap-and-emulate", platform: "paravirtual" },
];

describe("init on every platform and technique: what bare metal prints", () => {
  it("on bare metal, software-tlb platform", () => {
    const m = bootKernel({ programs: MIXED, timerInterval: 0, platform: "software-tlb", machine: { disk: DISK } });
    const r = m.run({ maxCycles: MAX_CYCLES });
    expect(m.console.output).toBe(MIXED_OUTPUT);
    expect(`${r.reason} ${r.exitCode}`).toBe("halted 2");
  });

  for (const { technique, platform } of SETTINGS) {
    it(`under ${technique}${platform === "paravirtual" ? ", paravirtualized" : ""}`, () => {
      const k = buildKernelImage({ programs: MIXED, timerInterval: 0, platform });
      const hv = new Hypervisor({ technique });
      const vm = hv.createVm({ name: "init", memorySize: k.memoryBytes, image: k.image, paravirtual: platform === "paravirtual", disk: DISK });
      hv.start(vm);
      hv.run({ maxCycles: MAX_CYCLES });
      expect(vm.console).toBe(MIXED_OUTPUT);
      expect(`${vm.state} ${vm.exitCode}`).toBe("halted 2");
    });
  }
});
