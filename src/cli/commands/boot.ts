/**
 * `vmlab boot [PROGRAM...] [--disk IMAGE] [--platform P] [--timer N]
 * [--memory BYTES] [--max-cycles N] [--table] [--list]`: boot the guest
 * kernel (src/guests/kernel.s, built for platform P: native, or
 * software-tlb on a toy32 built with the software-managed TLB) on a bare
 * toy32 with init (src/guests/init.s) as pid 1, which starts the user
 * programs in order, one child each (pids 2, 3, ...): named
 * (src/guests/programs), given as .s files, or, with --disk, written
 * `disk:PATH [ARG...]` for an executable on the disk image, which the
 * child execs. The image is checked on the host first (checkImage) and
 * the guest's writes are saved back to it: a raw image as a new file
 * renamed over the old, a qcow2 image (known by its magic) in place, cluster
 * by cluster, as QEMU's own block layer writes it
 * (src/lifecycle/qcow2/image.ts). The console goes to stdout as
 * the guest prints; the exit status is init's, which the kernel halts with
 * (the number of programs that failed: killed, or not started), or 124 /
 * 125 as for `vmlab asm`; a guest whose stdout closes is stopped quietly
 * (output.ts).
 */
import * as fs from "fs";
import * as path from "path";
import type { Command } from "commander";
import { DEFAULT_MAX_CYCLES, type Machine, type RunResult } from "../../machine/machine";
import { bootKernel, processTable, type ProcessInfo } from "../../guests/boot";
import { DEFAULT_KERNEL_MEMORY, DEFAULT_TIMER_INTERVAL, userProgramNames, type KernelPlatform, type ProgramSpec } from "../../guests/loader";
import { EXIT_ABNORMAL, EXIT_MAX_CYCLES } from "./asm";
import { UserError } from "../../errors";
import { parseNumber } from "../options";
import { guestConsole, OUTPUT_CLOSED } from "../output";
import { readSourceFile } from "../source-file";
import { FsImage, INODE_TYPE, decodeExecutable } from "../../guests/fs";
import { isQcow2File, openImage, type Qcow2Image } from "../../lifecycle/qcow2";
import type { BlockDevice } from "../../machine/devices/block";
import { captureMachine } from "../../lifecycle/snapshot/machine-snapshot";
import { freezeDisk, overlayFor, writeSnapshot } from "../../lifecycle/snapshot/files";

/**
 * The shortest timer slice the kernel makes progress in. Its timer path
 * (trap, save the registers, schedule, restore, eret) takes about 200
 * cycles; a slice no longer than that is spent entirely in the kernel and
 * the processes never run (a livelock). 500 leaves them most of a slice.
 */
export const MIN_TIMER_INTERVAL = 500;
const TIMER_WHY = `below ${MIN_TIMER_INTERVAL} cycles the kernel's timer path (about 200 cycles) fills the whole slice and no process makes progress; 0 turns preemption off`;

/** The platforms a bare toy32 boots (paravirtual needs its hypervisor). */
export const BARE_METAL_PLATFORMS: readonly KernelPlatform[] = ["native", "software-tlb"];

interface BootFlags {
  disk?: string;
  platform: string;
  timer: string;
  memory: string;
  maxCycles: string;
  table?: boolean;
  list?: boolean;
  suspendAt?: string;
  snapshot?: string;
}

export function register(program: Command): void {
  program
    .command("boot")
    .description("boot the toy32 guest kernel; its init (pid 1) runs the user programs, one child each (console on stdout)")
    .argument("[programs...]", "program names (see --list), .s files, or with --disk \"disk:PATH [ARG...]\"; default: hello compute fault")
    .option("--disk <image>", "boot with this file system image (raw or qcow2) as the disk (vmlab mkfs makes one); the guest's writes are saved to it")
    .option("--platform <name>", `the kernel's platform and the machine's MMU: ${BARE_METAL_PLATFORMS.join(" or ")}`, "native")
    .option("--timer <cycles>", "cycles between timer interrupts (0: no preemption)", String(DEFAULT_TIMER_INTERVAL))
    .option("--memory <bytes>", "physical memory of the machine and the kernel", String(DEFAULT_KERNEL_MEMORY))
    .option("--max-cycles <n>", "stop a guest that runs longer than N cycles", String(DEFAULT_MAX_CYCLES))
    .option("--table", "print the process table after the run (to stderr)")
    .option("--suspend-at <cycles>", "suspend the machine after N cycles to the --snapshot file (vmlab resume continues it)")
    .option("--snapshot <file>", "where --suspend-at writes the machine's state; a qcow2 disk is frozen under FILE.disk.qcow2")
    .option("--list", "list the built-in user programs")
    .action((names: string[], flags: BootFlags) => {
      if (flags.list) {
        process.stdout.write(userProgramNames().join("\n") + "\n");
        return;
      }
      const platform = parsePlatform(flags.platform);
      const timerInterval = parseTimer(flags.timer);
      const memoryBytes = parseMemory(flags.memory);
      const maxCycles = parseNumber("--max-cycles", flags.maxCycles, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true, unit: "cycles" });
      const suspend = parseSuspend(flags);
      const disk = flags.disk === undefined ? undefined : openDisk(flags.disk);
      if (suspend !== undefined && disk !== undefined && disk.qcow2 === undefined) {
        throw new UserError(`--suspend-at: the disk ${disk.file} is a raw image, which a snapshot cannot freeze`, `make it qcow2 first: vmlab image import ${disk.file} DISK.qcow2`);
      }
      const programs = (names.length > 0 ? names : ["hello", "compute", "fault"]).map((arg) => programSpec(arg, disk));
      const machine: Machine = bootKernel({
        platform,
        programs,
        init: true,
        timerInterval,
        memoryBytes,
        machine: { onConsole: guestConsole(() => machine), disk: disk?.device },
      });
      let result: RunResult;
      try {
        result = machine.run({ maxCycles: suspend === undefined ? maxCycles : Math.min(maxCycles, suspend.cycles) });
      } finally {
        disk?.qcow2?.close();
      }
      if (suspend !== undefined && result.reason === "max-cycles" && suspend.cycles < maxCycles) {
        suspendMachine(machine, suspend.file, disk);
        return;
      }
      if (disk !== undefined && disk.qcow2 === undefined) saveDisk(disk, machine.disk.data);
      if (flags.table) process.stderr.write(formatProcessTable(processTable(machine), result));
      process.exitCode = exitStatus(result);
    });
}

/** The prefix of a program on the disk: `disk:/echo hello`. */
export const DISK_PREFIX = "disk:";

/**
 * The largest disk vmlab boot checks on the host before the guest sees
 * it (the check reads it whole); a qcow2 header may claim any size.
 */
export const MAX_BOOT_DISK = 1 << 30;

interface OpenDisk {
  readonly file: string;
  /** A raw image's bytes as they were before the boot. */
  readonly bytes: Uint8Array;
  readonly image: FsImage;
  /** The qcow2 image the disk reads and writes, if the file is one. */
  readonly qcow2?: Qcow2Image;
  /** What the machine's disk is built on: the raw bytes, or the qcow2 image. */
  readonly device: Uint8Array | BlockDevice;
}

/** Reads and checks the image on the host, so a corrupt one is refused before the guest sees it. */
function openDisk(file: string): OpenDisk {
  if (!isQcow2File(file)) {
    const image = FsImage.open(file);
    const bytes = new Uint8Array(fs.readFileSync(file));
    return { file, bytes, image, device: bytes };
  }
  const qcow2 = openImage(file, { writable: true });
  try {
    if (qcow2.size > MAX_BOOT_DISK) {
      throw new UserError(`${file}: a virtual disk of ${qcow2.size} bytes is larger than vmlab boot takes (${MAX_BOOT_DISK} bytes)`, "make the file system on a smaller image (vmlab image create --size)");
    }
    const bytes = qcow2.read(0, qcow2.size);
    return { file, bytes, image: FsImage.fromBytes(bytes, file), qcow2, device: qcow2 };
  } catch (e) {
    qcow2.close();
    throw e;
  }
}

/** A name of a built-in program, a path to a .s file, or `disk:PATH [ARG...]`. */
function programSpec(arg: string, disk: OpenDisk | undefined): ProgramSpec {
  if (arg.startsWith(DISK_PREFIX)) return diskProgram(arg, disk);
  if (!arg.endsWith(".s") && !arg.includes("/")) return arg;
  return { name: path.basename(arg), source: readSourceFile(arg) };
}

/** `disk:PATH [ARG...]`: an executable that must be on the disk, with its arguments. */
function diskProgram(arg: string, disk: OpenDisk | undefined): ProgramSpec {
  const [diskPath = "", ...args] = arg.slice(DISK_PREFIX.length).split(/\s+/).filter((w) => w !== "");
  if (disk === undefined) throw new UserError(`${arg}: a program on the disk needs a disk`, "give one with --disk IMAGE (vmlab mkfs IMAGE DIR makes it)");
  if (!diskPath.startsWith("/")) throw new UserError(`${arg}: name the program by its absolute path on the disk, as in disk:/hello`);
  const inode = disk.image.lookup(diskPath);
  if (inode.type !== INODE_TYPE.FILE) throw new UserError(`${disk.file}: ${diskPath} is a directory, not a program`);
  decodeExecutable(disk.image.readFile(diskPath), `${disk.file}: ${diskPath}`);
  return { diskPath, args };
}

/** The guest's writes go back to the image (a new file renamed over it, so a failure leaves the old one whole). */
function saveDisk(disk: OpenDisk, data: Uint8Array): void {
  const written = data.subarray(0, disk.bytes.length);
  if (Buffer.compare(Buffer.from(written), Buffer.from(disk.bytes)) === 0) return;
  const temporary = `${disk.file}.vmlab-${process.pid}`;
  try {
    fs.writeFileSync(temporary, written);
    fs.renameSync(temporary, disk.file);
  } catch (e) {
    fs.rmSync(temporary, { force: true });
    throw new UserError(`cannot save the guest's writes to ${disk.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, "the image is as it was before the boot");
  }
}

/** --suspend-at N with --snapshot FILE, or neither. */
function parseSuspend(flags: BootFlags): { cycles: number; file: string } | undefined {
  if (flags.suspendAt === undefined && flags.snapshot === undefined) return undefined;
  if (flags.suspendAt === undefined || flags.snapshot === undefined) throw new UserError("--suspend-at and --snapshot go together: suspend after N cycles to FILE");
  const cycles = parseNumber("--suspend-at", flags.suspendAt, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true, unit: "cycles" });
  return { cycles, file: flags.snapshot };
}

/** Writes the suspended machine's snapshot; its qcow2 disk (closed) is frozen under a new overlay. */
function suspendMachine(machine: Machine, file: string, disk: OpenDisk | undefined): void {
  const diskImage = disk?.qcow2 ? freezeDisk(disk.file, disk.qcow2.size, file) : undefined;
  writeSnapshot(file, captureMachine(machine, diskImage));
  const where = diskImage?.kind === "qcow2" ? `; its disk goes on in ${overlayFor(file)}` : "";
  process.stderr.write(`vmlab: suspended at cycle ${machine.cycles} to ${file}${where} (vmlab resume ${file})\n`);
}

/** --platform: one a bare toy32 can boot. */
function parsePlatform(text: string): KernelPlatform {
  const platform = BARE_METAL_PLATFORMS.find((p) => p === text);
  if (platform === undefined) {
    const why = text === "paravirtual" ? "the paravirtual kernel runs only under its hypervisor (a VM created with paravirtual: true)" : `platforms: ${BARE_METAL_PLATFORMS.join(", ")}`;
    throw new UserError(`--platform ${text}: vmlab boot runs native or software-tlb`, why);
  }
  return platform;
}

/** --timer: 0 (no preemption), or a slice the kernel makes progress in. */
function parseTimer(text: string): number {
  const timer = parseNumber("--timer", text, { min: 0, max: 0xffff_ffff, integer: true, unit: "cycles", why: TIMER_WHY });
  if (timer !== 0 && timer < MIN_TIMER_INTERVAL) {
    throw new UserError(`--timer ${text} is too short: give 0 (no preemption) or at least ${MIN_TIMER_INTERVAL} cycles`, TIMER_WHY);
  }
  return timer;
}

/** --memory: what the kernel can manage (loader.ts checkOptions), in bytes. */
function parseMemory(text: string): number {
  const why = "the kernel manages whole 4 KiB pages, at least 128 KiB of them and at most 1 GiB";
  const bytes = parseNumber("--memory", text, { min: 128 * 1024, max: 0x4000_0000, integer: true, unit: "bytes", why });
  if (bytes % 4096 !== 0) throw new UserError(`--memory ${text} is not a multiple of 4096 (a page)`, why);
  return bytes;
}

/** The process table as aligned text. */
export function formatProcessTable(table: readonly ProcessInfo[], result: RunResult): string {
  const rows = table.map((p) =>
    [String(p.pid), p.name, p.state, String(p.exitStatus), String(p.cycles), String(p.dispatches)],
  );
  const header = ["pid", "name", "state", "exit", "cycles", "dispatches"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd() + "\n";
  return line(header) + rows.map(line).join("") + `total ${result.cycles} cycles, ${result.reason}\n`;
}

export function exitStatus(result: RunResult): number {
  if (result.reason === "stopped" && result.message === OUTPUT_CLOSED) return 0;
  if (result.reason === "halted") return (result.exitCode ?? 0) & 255;
  process.stderr.write(`vmlab: ${result.message ?? result.reason}\n`);
  return result.reason === "max-cycles" ? EXIT_MAX_CYCLES : EXIT_ABNORMAL;
}
