/**
 * Booting the kernel with a disk made from files held in memory, for a
 * notebook cell: what `vmlab mkfs DIR` and `vmlab boot --disk` do, without
 * a folder on the host.
 *
 *   const run = runFromDisk({
 *     files: { "/bin/main.s": source, "/etc/motd": "hello\n" },   // .s assembled, as mkfs does
 *     programs: [{ diskPath: "/bin/main" }],
 *     memoryBytes: 256 * 1024,
 *   });
 *   run.output;        // the console
 *   run.pager;         // page faults, page-ins, page-outs (pager-stats.ts)
 *   run.atYield;       // the processes' resident pages at every `yield`
 *
 * A program marks the moments it wants looked at by calling `yield`: the
 * host reads the page tables then (user-pages.ts), before the kernel sees
 * the call, so the snapshot is exactly what the program had when it asked.
 */
import { UserError } from "../errors";
import { CAUSE } from "../machine/isa";
import type { StopReason } from "../machine/cpu";
import { bootKernel, processTable, type BootOptions, type ProcessInfo } from "./boot";
import { buildImage, executableFromSource, type FsDirectory, type FsNode, type MkfsOptions } from "./fs";
import { userLibrarySource } from "./loader";
import { pagerStats, type PagerStats } from "./pager-stats";
import { userPages, type UserPages } from "./user-pages";

/** A disk's files by absolute path: text or bytes; a `.s` file is assembled into an executable named without `.s`. */
export type DiskFiles = Readonly<Record<string, string | Uint8Array>>;

export interface DiskRunOptions extends BootOptions {
  /** The disk's files; folders on their paths are made. */
  readonly files: DiskFiles;
  /** mkfs's size, swap area and inodes (default: 4 MiB, a quarter of it swap). */
  readonly mkfs?: MkfsOptions;
  /** Cycles the run may take (default 200,000,000). */
  readonly maxCycles?: number;
  /** Also read the resident pages every this many cycles (default: never). */
  readonly sampleEvery?: number;
}

export interface DiskRun {
  readonly output: string;
  readonly reason: StopReason;
  /** The kernel's exit status (init's count of programs that failed), if it halted. */
  readonly exitCode: number | undefined;
  readonly cycles: number;
  readonly pager: PagerStats;
  readonly processes: readonly ProcessInfo[];
  /** The resident pages when a user process called `yield`, in order. */
  readonly atYield: readonly UserPages[];
  /** The resident pages every `sampleEvery` cycles. */
  readonly samples: readonly UserPages[];
  /** The disk after the run (FsImage.fromBytes reads it). */
  readonly disk: Uint8Array;
}

const encoder = new TextEncoder();
/** ulib.s's number for the yield system call (read when first needed). */
let sysYield: number | undefined;

/** A file system image holding `files` (mkfs.ts's layout). */
export function diskImage(files: DiskFiles, options: MkfsOptions = {}): Uint8Array {
  const root = new Map<string, FsNode>();
  for (const [file, contents] of Object.entries(files)) {
    const parts = file.split("/");
    if (parts[0] !== "" || parts.length < 2 || parts.slice(1).some((p) => p === "" || p === "." || p === "..")) {
      throw new UserError(`disk file ${JSON.stringify(file)}: name it by an absolute path without empty, . or .. parts, as "/bin/main.s"`);
    }
    const names = parts.slice(1);
    const leaf = names.pop() as string;
    let dir = root;
    for (const [i, name] of names.entries()) {
      const node = dir.get(name);
      if (node?.kind === "file") throw new UserError(`disk file ${file}: /${names.slice(0, i + 1).join("/")} is a file, not a folder`);
      const next = node?.entries ?? new Map<string, FsNode>();
      dir.set(name, { kind: "directory", entries: next });
      dir = next as Map<string, FsNode>;
    }
    const assembled = leaf.endsWith(".s") && leaf.length > 2;
    const name = assembled ? leaf.slice(0, -2) : leaf;
    if (dir.has(name)) throw new UserError(`disk file ${file}: the disk has ${JSON.stringify(name)} there already`);
    const text = typeof contents === "string" ? contents : new TextDecoder().decode(contents);
    const data = assembled ? executableFromSource({ name: file, source: text }) : typeof contents === "string" ? encoder.encode(contents) : contents;
    dir.set(name, { kind: "file", data });
  }
  const tree: FsDirectory = { kind: "directory", entries: root };
  return buildImage(tree, options, "the disk's files");
}

/** Builds the disk, boots the kernel with it, runs to the end, and reads what happened. */
export function runFromDisk(options: DiskRunOptions): DiskRun {
  const { files, mkfs, maxCycles = 200_000_000, sampleEvery, ...boot } = options;
  if (sampleEvery !== undefined && !(Number.isInteger(sampleEvery) && sampleEvery >= 1_000)) {
    throw new UserError(`sampleEvery must be a whole number of cycles from 1000, not ${sampleEvery}`);
  }
  const machine = bootKernel({ ...boot, machine: { ...boot.machine, disk: diskImage(files, mkfs) } });
  const atYield: UserPages[] = [];
  const SYS_YIELD = (sysYield ??= syscallNumber("SYS_YIELD"));
  machine.interceptTrap = (trap) => {
    if (trap.cause === CAUSE.SYSCALL && machine.mode === "user" && machine.regs[1] === SYS_YIELD) atYield.push(userPages(machine));
    return false; // the kernel handles the call as always
  };
  const samples: UserPages[] = [];
  let cycles = 0;
  let result = machine.run({ maxCycles: Math.min(maxCycles, sampleEvery ?? maxCycles) });
  cycles += result.cycles;
  while (sampleEvery !== undefined && result.reason === "max-cycles" && cycles < maxCycles) {
    samples.push(userPages(machine));
    result = machine.run({ maxCycles: Math.min(sampleEvery, maxCycles - cycles) });
    cycles += result.cycles;
  }
  machine.interceptTrap = undefined;
  return {
    output: machine.console.output,
    reason: result.reason,
    exitCode: result.exitCode,
    cycles,
    pager: pagerStats(machine),
    processes: processTable(machine),
    atYield,
    samples,
    disk: machine.disk.data.slice(),
  };
}

function syscallNumber(name: string): number {
  const m = new RegExp(`\\.equ\\s+${name},\\s*(\\d+)`).exec(userLibrarySource());
  if (m === null) throw new Error(`ulib.s defines no ${name}, which disk-run.ts relies on`);
  return Number(m[1]);
}
