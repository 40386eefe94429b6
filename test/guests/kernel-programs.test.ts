/**
 * User programs run by the kernel, with inline expectations (as
 * programs.test.ts does for bare-metal ones): every
 * test/guests/kernel-programs/*.s, with kernel-lib.s appended (its report,
 * report_ok and newline helpers), is booted as the kernel's one program on
 * bare toy32, and its console output and the kernel's exit code compared
 * with what its comments state:
 *
 *   # expect: one line of console output (in order; each ends with \n)
 *   # exit: the kernel's exit code (processes killed), default 0
 *   # timer: cycles between timer interrupts, default 0 (no preemption)
 *   # memory: bytes of memory the kernel manages, default the loader's
 *   # disk: a folder beside the programs; `vmlab mkfs` builds the disk from
 *           it. `# disk: swap` is an empty file system whose swap area is
 *           mkfs's default (a quarter of 4 MiB)
 *   # file: PATH = TEXT   after the run the disk is sound (checkImage) and
 *                         holds PATH with TEXT (\n for a newline), byte for byte
 *
 * Then the same program runs on every platform and technique that runs it:
 * the native kernel under trap-and-emulate, binary translation and
 * hardware assist, the paravirtual build under the paravirtual
 * hypervisor, the software-tlb build on bare toy32 built software-tlb and
 * under trap-and-emulate on a software-tlb machine (Disco's software TLB);
 * each must print exactly what bare metal printed.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { bootKernel } from "../../src/guests/boot";
import { PLATFORM_MMU, buildKernelImage, type KernelPlatform } from "../../src/guests/loader";
import { Hypervisor, type Technique } from "../../src/hypervisor/hypervisor";
import { FsImage, buildImage, checkImage, mkfs } from "../../src/guests/fs";
import { withKernelLib } from "./kernel-lib";

const DIR = path.join(__dirname, "kernel-programs");
const MAX_CYCLES = 100_000_000;

interface Expectations {
  output: string;
  exitCode: number;
  timerInterval: number;
  memoryBytes?: number;
  disk?: string;
  files: [string, string][];
}

function parseExpectations(source: string): Expectations {
  const lines: string[] = [];
  let exitCode = 0;
  let timerInterval = 0;
  let memoryBytes: number | undefined;
  let disk: string | undefined;
  const files: [string, string][] = [];
  for (const line of source.split("\n")) {
    const m = /^\s*#\s*(expect|exit|timer|memory|disk|file):\s?(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m;
    if (key === "expect") lines.push(value);
    else if (key === "exit") exitCode = Number(value);
    else if (key === "memory") memoryBytes = Number(value);
    else if (key === "disk") disk = value.trim();
    else if (key === "file") {
      const [file, text] = value.split(" = ");
      files.push([file.trim(), text.replace(/\\n/g, "\n")]);
    } else timerInterval = Number(value);
  }
  return { output: lines.map((l) => `${l}\n`).join(""), exitCode, timerInterval, memoryBytes, disk, files };
}

/** The disk a program asks for: `swap`, or a folder's image (`vmlab mkfs`), built once each. */
const disks = new Map<string, Uint8Array>();
function diskFor(want: Expectations): Uint8Array | undefined {
  if (want.disk === undefined) return undefined;
  let image = disks.get(want.disk);
  if (image === undefined) {
    image = want.disk === "swap" ? buildImage({ kind: "directory", entries: new Map() }) : mkfs(path.join(DIR, want.disk), { size: 512 * 1024 });
    disks.set(want.disk, image);
  }
  return image;
}

/** After a run: the disk is a sound file system holding what the program wrote. */
function expectDisk(data: Uint8Array | undefined, want: Expectations): void {
  if (data === undefined) return;
  checkImage(data, "the disk after the run");
  const image = FsImage.fromBytes(data);
  for (const [file, text] of want.files) expect(new TextDecoder().decode(image.readFile(file))).toBe(text);
}

const SETTINGS: readonly { technique: Technique; platform: KernelPlatform }[] = [
  { technique: "trap-and-emulate", platform: "native" },
  { technique: "binary-translation", platform: "native" },
  { technique: "hardware-assist", platform: "native" },
  { technique: "trap-and-emulate", platform: "paravirtual" },
  { technique: "trap-and-emulate", platform: "software-tlb" },
];

const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".s")).sort();

describe("kernel programs with inline expectations", () => {
  for (const file of files) {
    const source = fs.readFileSync(path.join(DIR, file), "utf8");
    const want = parseExpectations(source);
    const programs = [withKernelLib(file, source)];

    it(`${file} on bare metal`, () => {
      const disk = diskFor(want);
      const m = bootKernel({ programs, timerInterval: want.timerInterval, memoryBytes: want.memoryBytes, machine: { disk } });
      const r = m.run({ maxCycles: MAX_CYCLES });
      expect(m.console.output).toBe(want.output);
      expect(`${r.reason} ${r.exitCode}`).toBe(`halted ${want.exitCode}`);
      expectDisk(disk && m.disk.data, want);
    });

    it(`${file} on bare metal, software-tlb platform: what the native kernel prints`, () => {
      const disk = diskFor(want);
      const m = bootKernel({ programs, timerInterval: want.timerInterval, memoryBytes: want.memoryBytes, platform: "software-tlb", machine: { disk } });
      const r = m.run({ maxCycles: MAX_CYCLES });
      expect(m.console.output).toBe(want.output);
      expect(`${r.reason} ${r.exitCode}`).toBe(`halted ${want.exitCode}`);
      expectDisk(disk && m.disk.data, want);
    });

    for (const { technique, platform } of SETTINGS) {
      const variant = platform === "paravirtual" ? ", paravirtualized" : platform === "software-tlb" ? ", software-tlb machine" : "";
      it(`${file} under ${technique}${variant}: what bare metal prints`, () => {
        const k = buildKernelImage({ programs, timerInterval: want.timerInterval, memoryBytes: want.memoryBytes, platform });
        const hv = new Hypervisor({ technique, mmu: PLATFORM_MMU[platform] });
        const disk = diskFor(want);
        const vm = hv.createVm({ name: file, memorySize: k.memoryBytes, image: k.image, paravirtual: platform === "paravirtual", disk });
        hv.start(vm);
        hv.run({ maxCycles: MAX_CYCLES });
        expect(vm.console).toBe(want.output);
        expect(`${vm.state} ${vm.exitCode}`).toBe(`halted ${want.exitCode}`);
        expectDisk(disk && vm.devices.disk.data, want);
      });
    }
  }
});
