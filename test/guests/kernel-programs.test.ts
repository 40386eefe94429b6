/**
 * User programs run by the kernel, with inline expectations (as
 * programs.test.ts does for bare-metal ones): every
 * test/guests/kernel-programs/*.s is booted as the kernel's one program on
 * bare toy32, and its console output and the kernel's exit code compared
 * with what its comments state:
 *
 *   # expect: one line of console output (in order; each ends with \n)
 *   # exit: the kernel's exit code (processes killed), default 0
 *   # timer: cycles between timer interrupts, default 0 (no preemption)
 *   # memory: bytes of memory the kernel manages, default the loader's
 *   # disk: swap  the machine (or VM) gets a disk: an empty file system
 *                 whose swap area is mkfs's default (a quarter of 4 MiB)
 *
 * Then the same program runs on every platform and technique that runs it:
 * the native kernel under trap-and-emulate, binary translation and
 * hardware assist, the paravirtual build under the paravirtual
 * hypervisor, the software-tlb build on bare toy32 built software-tlb;
 * each must print exactly what bare metal printed. A program with a disk
 * runs under trap-and-emulate on a machine built `virtualizable`: on the
 * default one the kernel's idle loop (sti; wfi, to wait for the disk) is
 * invisible to the hypervisor, as x86's popf is (ISA.md), and the disk's
 * interrupt is never taken.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { bootKernel } from "../../src/guests/boot";
import { buildKernelImage, type KernelPlatform } from "../../src/guests/loader";
import { Hypervisor, type Technique } from "../../src/hypervisor/hypervisor";
import { buildImage } from "../../src/guests/fs";

const DIR = path.join(__dirname, "kernel-programs");
const MAX_CYCLES = 100_000_000;

interface Expectations {
  output: string;
  exitCode: number;
  timerInterval: number;
  memoryBytes?: number;
  disk?: Uint8Array;
}

/** The disks a program may ask for with `# disk: NAME`. */
const DISKS: Readonly<Record<string, () => Uint8Array>> = {
  swap: () => buildImage({ kind: "directory", entries: new Map() }),
};

function parseExpectations(source: string): Expectations {
  const lines: string[] = [];
  let exitCode = 0;
  let timerInterval = 0;
  let memoryBytes: number | undefined;
  let disk: Uint8Array | undefined;
  for (const line of source.split("\n")) {
    const m = /^\s*#\s*(expect|exit|timer|memory|disk):\s?(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m;
    if (key === "expect") lines.push(value);
    else if (key === "exit") exitCode = Number(value);
    else if (key === "memory") memoryBytes = Number(value);
    else if (key === "disk") disk = diskNamed(value.trim());
    else timerInterval = Number(value);
  }
  return { output: lines.map((l) => `${l}\n`).join(""), exitCode, timerInterval, memoryBytes, disk };
}

function diskNamed(name: string): Uint8Array {
  const make = DISKS[name];
  if (make === undefined) throw new Error(`# disk: ${name}: known disks are ${Object.keys(DISKS).join(", ")}`);
  return make();
}

const SETTINGS: readonly { technique: Technique; platform: KernelPlatform }[] = [
  { technique: "trap-and-emulate", platform: "native" },
  { technique: "binary-translation", platform: "native" },
  { technique: "hardware-assist", platform: "native" },
  { technique: "trap-and-emulate", platform: "paravirtual" },
];

const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".s")).sort();

describe("kernel programs with inline expectations", () => {
  for (const file of files) {
    const source = fs.readFileSync(path.join(DIR, file), "utf8");
    const want = parseExpectations(source);
    const programs = [{ name: file, source }];

    it(`${file} on bare metal`, () => {
      const m = bootKernel({ programs, timerInterval: want.timerInterval, memoryBytes: want.memoryBytes, machine: { disk: want.disk } });
      const r = m.run({ maxCycles: MAX_CYCLES });
      expect(m.console.output).toBe(want.output);
      expect(`${r.reason} ${r.exitCode}`).toBe(`halted ${want.exitCode}`);
    });

    it(`${file} on bare metal, software-tlb platform: what the native kernel prints`, () => {
      const m = bootKernel({ programs, timerInterval: want.timerInterval, memoryBytes: want.memoryBytes, platform: "software-tlb", machine: { disk: want.disk } });
      const r = m.run({ maxCycles: MAX_CYCLES });
      expect(m.console.output).toBe(want.output);
      expect(`${r.reason} ${r.exitCode}`).toBe(`halted ${want.exitCode}`);
    });

    for (const { technique, platform } of SETTINGS) {
      it(`${file} under ${technique}${platform === "paravirtual" ? ", paravirtualized" : ""}: what bare metal prints`, () => {
        const k = buildKernelImage({ programs, timerInterval: want.timerInterval, memoryBytes: want.memoryBytes, platform });
        const hv = new Hypervisor({ technique, virtualizable: want.disk !== undefined && technique === "trap-and-emulate" });
        const vm = hv.createVm({ name: file, memorySize: k.memoryBytes, image: k.image, disk: want.disk, paravirtual: platform === "paravirtual" });
        hv.start(vm);
        hv.run({ maxCycles: MAX_CYCLES });
        expect(vm.console).toBe(want.output);
        expect(`${vm.state} ${vm.exitCode}`).toBe(`halted ${want.exitCode}`);
      });
    }
  }
});
