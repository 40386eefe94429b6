/**
 * The loader: assembles the kernel (src/guests/kernel.s and kernel/*.s, with
 * the platform file of the platform asked for: kernelFiles) at physical 0 and the user programs (src/guests/programs/*.s, each with
 * ulib.s appended) at USER_BASE, and lays them out in one bootable image with the boot table
 * the kernel reads, the way a boot loader hands a kernel its modules
 * (Multiboot's module list):
 *
 *   0x00000000 +---------------------+ kernel.s (must end below 0x10000)
 *   0x00010000 +---------------------+ boot table (BOOT_TABLE)
 *              | "BOOT" count timer  |   +0 magic  +4 count  +8 timer
 *              | memTop freeStart    |   +12 memTop  +16 freeStart
 *              | init procs          |   +20 init: 1 if entry 0 is init.s
 *              |                     |   +24 procs: entries started at boot
 *              | entries[count]      |   +32: {physical, length, entry, 0}
 *   0x00011000 +---------------------+ program 1 image (assembled at 0x40000000)
 *              +---------------------+ program 2 image, page aligned ...
 *   freeStart  +---------------------+ the kernel's free pages, up to memTop
 *
 * The image depends on nothing but being loaded at physical 0: a
 * hypervisor can boot it in a VM exactly as bootKernel does on bare toy32.
 */
import * as fs from "fs";
import * as path from "path";
import { AssemblyError, assemble, type Diagnostic, type Program, type SourceFile } from "../machine/assembler";
import { KSEG0_BASE, PAGE_SIZE } from "../machine/isa";
import type { MmuKind } from "../machine/mmu";
import { UserError } from "../errors";

/** The guests' sources: found from src/ (vitest) and from dist/ alike. */
export const GUESTS_DIR = path.join(__dirname, "..", "..", "src", "guests");
const PROGRAMS_DIR = path.join(GUESTS_DIR, "programs");
const ULIB = "ulib.s";

/** The layout kernel.s expects (its .equ constants of the same names). */
export const BOOT_LAYOUT = {
  BOOT_TABLE: 0x0001_0000,
  BOOT_MAGIC: 0x544f_4f42, // "BOOT", little-endian
  FIRST_IMAGE: 0x0001_1000,
  // The boot table's header fields and entries (diagram above).
  BT_MAGIC: 0,
  BT_COUNT: 4,
  BT_TIMER: 8,
  BT_MEM_TOP: 12,
  BT_FREE: 16,
  BT_INIT: 20,
  BT_PROCS: 24,
  BT_ENTRIES: 32,
  BTE_PHYS: 0,
  BTE_LENGTH: 4,
  BTE_ENTRY: 8,
  BTE_SIZE: 16,
  USER_BASE: 0x4000_0000,
  USER_STACK_TOP: 0x8000_0000,
  NPROC: 8,
  PROC_SIZE: 128,
} as const;

/**
 * Offsets in a process-table entry (kernel.s, "Process table entry"), for
 * hosts that read it (boot.ts readProcessTable); each is the kernel's
 * .equ PROC_<NAME>, checked when the kernel is assembled.
 */
export const PROC_LAYOUT = {
  STATE: 0, PID: 4, PGDIR: 8, BRK: 12, EPC: 16, XSTATUS: 76, HEAP: 80, CYCLES: 84, RUNS: 88, WAKE: 92, PARENT: 96, PROG: 100, COMM: 104,
} as const;
/** Bytes of a process's name at PROC_LAYOUT.COMM, its NUL included (the kernel's COMM_SIZE). */
export const COMM_SIZE = 16;

/**
 * The pager's statistics block (pager.s, pager_stats): word offsets, each
 * the kernel's .equ PS_<NAME>, checked when the kernel is assembled;
 * NSAMPLES samples of {cycle, free frames} follow at RING.
 */
export const PAGER_STATS_LAYOUT = {
  FAULTS: 0, PAGEINS: 4, PAGEOUTS: 8, FREE: 12, ZERO: 16, IMAGE: 20, RECLAIMS: 24, SAMPLES: 28, RING: 32,
} as const;
export const PAGER_SAMPLES = 256;

/** Cycles between timer interrupts when none is asked for. */
export const DEFAULT_TIMER_INTERVAL = 2_000;
/** Memory the kernel manages (and the machine bootKernel builds). */
export const DEFAULT_KERNEL_MEMORY = 1 << 20;

/** A user program: a name for messages and its assembly source. */
export interface GuestProgram {
  readonly name: string;
  readonly source: string;
}

/**
 * A program on the disk the kernel boots with: its absolute path there and
 * its arguments (argv[0] is the path). init.s starts it: a child of init
 * execs it from the file system.
 */
export interface DiskProgram {
  readonly diskPath: string;
  readonly args?: readonly string[];
}

/** A program of src/guests/programs by name, or one given as source: what the boot image holds. */
export type BuiltInProgram = string | GuestProgram;

/** A built-in program, or one on the disk. */
export type ProgramSpec = BuiltInProgram | DiskProgram;

/**
 * What the kernel's privileged operations are built from (kernel.s, "One
 * kernel, several platforms"; Linux's pv_ops): toy32's own instructions
 * ("native": bare metal and the hypervisor techniques that run an
 * unmodified kernel), hypercalls ("paravirtual": a VM created with
 * `paravirtual: true`), or toy32's own instructions on a machine built
 * `mmu: "software-tlb"` ("software-tlb": the kernel runs from kseg0 and
 * refills the TLB itself, as MIPS kernels do; chapter 04's Disco).
 */
export type KernelPlatform = "native" | "paravirtual" | "software-tlb";
export const KERNEL_PLATFORMS: readonly KernelPlatform[] = ["native", "paravirtual", "software-tlb"];

/** Each platform's files of plat_* routines, in src/guests/kernel. */
const PLATFORM_FILES: Readonly<Record<KernelPlatform, readonly string[]>> = {
  native: ["kernel/platform-native.s"],
  paravirtual: ["kernel/platform-pv.s"],
  "software-tlb": ["kernel/platform-native.s", "kernel/platform-swtlb.s"],
};

/** The trap vector plat_init installs on the platforms built from platform-native.s. */
const PLATFORM_TVECS: Readonly<Partial<Record<KernelPlatform, string>>> = {
  native: "plat_trap_vector",
  "software-tlb": "plat_refill_vector",
};

/**
 * Where each platform's kernel is assembled (its .equ KERNEL_BASE): at
 * physical 0, or in kseg0 (ISA.md: physical = va - 0x80000000, untranslated
 * in kernel mode). The image is loaded at physical 0 either way.
 */
export const KERNEL_BASES: Readonly<Record<KernelPlatform, number>> = {
  native: 0,
  paravirtual: 0,
  "software-tlb": KSEG0_BASE,
};

/** The MMU each platform's kernel needs (MachineOptions.mmu). */
export const PLATFORM_MMU: Readonly<Record<KernelPlatform, MmuKind>> = {
  native: "hardware",
  paravirtual: "hardware",
  "software-tlb": "software-tlb",
};

export interface KernelImageOptions {
  /** The platform the kernel is built for (default "native"). */
  readonly platform?: KernelPlatform;
  /**
   * The programs to run, in order: each a boot process, pid 1 first; or,
   * with `init`, each started by init (pid 1) in this order.
   */
  readonly programs: readonly ProgramSpec[];
  /**
   * Boot init.s as pid 1 alone, which forks a child per program (exec
   * from the disk, or bootexec of its boot image), waits for them all and
   * makes the kernel's exit code the number that failed. Always so when a
   * program is on the disk (only a process can exec); default false.
   */
  readonly init?: boolean;
  /**
   * Cycles between timer interrupts; 0 turns preemption off. Below about
   * 300 the kernel's timer path (trap, save, schedule, resume) fills the
   * whole slice and the processes make no progress: a livelock.
   */
  readonly timerInterval?: number;
  /** Bytes of physical memory the kernel may use (a multiple of 4 KiB). */
  readonly memoryBytes?: number;
  /**
   * Without init: how many of the programs, the first ones, start as boot
   * processes (default all); the others run only when a process bootexecs
   * them (src/containers: each container's program, started inside it).
   */
  readonly startedAtBoot?: number;
}

/** Where one program went and what it is. */
export interface LoadedProgram {
  readonly name: string;
  /** The pid it boots as; 0 for one init starts (its pid is fork's). */
  readonly pid: number;
  /** Physical address of its image in the boot image. */
  readonly physical: number;
  /** Bytes of its image (a multiple of 4). */
  readonly length: number;
  /** Its entry point, a virtual address (its `_start`). */
  readonly entry: number;
  readonly symbols: ReadonlyMap<string, number>;
}

export interface KernelImage {
  /** The platform its kernel was built for. */
  readonly platform: KernelPlatform;
  /**
   * What the kernel adds to a physical address to reach it (KERNEL_BASES):
   * its symbols and the pointers in its tables are kernel addresses, so a
   * host reads the word of kernel address `a` at physical `a - kernelBase`.
   */
  readonly kernelBase: number;
  /** Bytes from physical 0: kernel, boot table, program images. */
  readonly image: Uint8Array;
  /** The kernel's labels (proc_table, trap_vector, ...). */
  readonly symbols: ReadonlyMap<string, number>;
  readonly kernel: Program;
  /** The boot table's programs, in its order (with init: init.s first). */
  readonly programs: readonly LoadedProgram[];
  /** Whether init.s is pid 1 and starts the programs (KernelImageOptions.init). */
  readonly init: boolean;
  readonly timerInterval: number;
  readonly memoryBytes: number;
  /** First physical page the kernel's allocator hands out. */
  readonly freeStart: number;
}

/**
 * The kernel's files for `platform`, in the order they are assembled
 * (kernel.s first: reset lands on its _start; the platform's file next).
 */
export function kernelFiles(platform: KernelPlatform = "native"): string[] {
  checkPlatform(platform);
  return [
    "kernel.s",
    ...PLATFORM_FILES[platform],
    "kernel/trap.s",
    "kernel/syscall.s",
    "kernel/proc.s",
    "kernel/vm.s",
    "kernel/pager.s",
    "kernel/pager-clock.s",
    "kernel/pager-out.s",
    "kernel/kalloc.s",
    "kernel/console.s",
    "kernel/sleep.s",
    "kernel/disk.s",
    "kernel/bio.s",
    "kernel/fs.s",
    "kernel/swap.s",
    "kernel/file.s",
    "kernel/exec.s",
    // Namespaces last, all in .data: nothing assembled before them moves.
    "kernel/ns-syscall.s",
    "kernel/ns-pid.s",
    "kernel/ns-uts.s",
    "kernel/ns-user.s",
    "kernel/ns-cgroup.s",
  ];
}

function checkPlatform(platform: string): asserts platform is KernelPlatform {
  if (!(KERNEL_PLATFORMS as readonly string[]).includes(platform)) {
    throw new UserError(`no kernel platform named "${platform}"`, `platforms: ${KERNEL_PLATFORMS.join(", ")}`);
  }
}

/**
 * The kernel's source files, named as in kernelFiles; `assemble` takes
 * them as one program, as if each were #included after the one before.
 */
export function kernelSources(platform: KernelPlatform = "native"): SourceFile[] {
  const files = kernelFiles(platform).map((file) => ({ file, text: fs.readFileSync(path.join(GUESTS_DIR, file), "utf8") }));
  return [...files, buildConstants(platform)];
}

/**
 * What the platform's files leave to the build, as a compiler's -D flags:
 * KERNEL_BASE (KERNEL_BASES: where the kernel is assembled, and what it
 * adds to a physical address to reach it) and, for the platforms built
 * from platform-native.s, PLATFORM_TVEC (its trap vector). Only .equ
 * lines, so it adds no bytes; it goes last.
 */
function buildConstants(platform: KernelPlatform): SourceFile {
  const lines = [`# the loader's constants for the ${platform} platform`, `        .equ KERNEL_BASE, 0x${KERNEL_BASES[platform].toString(16)}`];
  const tvec = PLATFORM_TVECS[platform];
  if (tvec !== undefined) lines.push(`        .equ PLATFORM_TVEC, ${tvec}`);
  return { file: "(the loader)", text: lines.join("\n") + "\n" };
}

/** The whole kernel for `platform` as one text, the files joined in order. */
export function kernelSource(platform: KernelPlatform = "native"): string {
  return kernelSources(platform)
    .map((f) => f.text)
    .join("\n");
}

/** Names of the user programs in src/guests/programs. */
export function userProgramNames(): string[] {
  return fs
    .readdirSync(PROGRAMS_DIR)
    .filter((f) => f.endsWith(".s") && f !== ULIB)
    .map((f) => f.slice(0, -2))
    .sort();
}

/** A user program's source as written (without ulib.s). */
export function userProgramSource(name: string): string {
  if (!userProgramNames().includes(name)) {
    throw new UserError(`no user program named "${name}"`, `programs: ${userProgramNames().join(", ")}`);
  }
  return fs.readFileSync(path.join(PROGRAMS_DIR, `${name}.s`), "utf8");
}

/** A built-in program as a GuestProgram, e.g. to change its source and boot that. */
export function userProgram(name: string): GuestProgram {
  return { name, source: userProgramSource(name) };
}

/** The user runtime (syscall wrappers, print) appended to every program. */
export function userLibrarySource(): string {
  return fs.readFileSync(path.join(PROGRAMS_DIR, ULIB), "utf8");
}

/**
 * Assembles a user program at USER_BASE. ulib.s goes after the program's
 * own lines (aligned to a word), so an error in the program names its own
 * line numbers.
 */
export function assembleUserProgram(program: BuiltInProgram): { name: string; program: Program } {
  const spec = typeof program === "string" ? { name: program, source: userProgramSource(program) } : program;
  const file = spec.name.endsWith(".s") ? spec.name : `${spec.name}.s`;
  if (spec.source.trim() === "") throw new UserError(`${file} is empty`, NEEDS_MAIN);
  // ulib.s's code must start word-aligned even after a program that ends in
  // a string, or every one of its instructions is an error in ulib.s.
  const files = [{ file, text: spec.source }, { file: "(the loader)", text: "        .text\n        .align 4" }, { file: ULIB, text: userLibrarySource() }];
  try {
    return { name: spec.name, program: assemble(files, { origin: BOOT_LAYOUT.USER_BASE }) };
  } catch (error) {
    throw error instanceof AssemblyError ? withoutMissingMain(error, file) : error;
  }
}

/** The longest path, each argument's and all arguments' bytes init.s may hand exec (kernel/file.s MAXPATH, kernel/exec.s). */
export const DISK_PROGRAM_LIMITS = { PATH: 127, ARGS: 15, ARG_BYTES: 2048 } as const;

/** The programs init.s starts: all but itself of the kernel's NPROC. */
export const INIT_MAX_PROGRAMS = BOOT_LAYOUT.NPROC - 1;

function isDiskProgram(program: ProgramSpec): program is DiskProgram {
  return typeof program !== "string" && "diskPath" in program;
}

/** A program on the disk as exec takes it, checked against the kernel's limits. */
function diskArgv(program: DiskProgram): string[] {
  const diskPath = program.diskPath;
  const argv = [diskPath, ...(program.args ?? [])];
  const limits = DISK_PROGRAM_LIMITS;
  if (!diskPath.startsWith("/")) throw new UserError(`${diskPath}: a program on the disk is named by its absolute path, from /`);
  const odd = argv.find((a) => !/^[\x20-\x7e]*$/.test(a));
  if (odd !== undefined) throw new UserError(`${diskPath}: ${JSON.stringify(odd)} holds a character that is not printable ASCII`, "the kernel's paths and arguments are plain ASCII");
  if (diskPath.length > limits.PATH) throw new UserError(`${diskPath}: a path of ${diskPath.length} bytes; the kernel takes at most ${limits.PATH}`);
  if (argv.length > limits.ARGS + 1) throw new UserError(`${diskPath}: ${argv.length - 1} arguments; exec takes at most ${limits.ARGS} after the path`);
  if (argv.reduce((n, a) => n + a.length + 1, 0) > limits.ARG_BYTES) throw new UserError(`${diskPath}: its arguments are longer than the ${limits.ARG_BYTES} bytes exec takes`);
  return argv;
}

/**
 * init.s with its programs as data (init.s's header draws it): a disk
 * program by its path and argv, a built-in one by its boot-table entry
 * (the built-in ones follow init in the table, in order).
 */
function initProgram(programs: readonly ProgramSpec[]): GuestProgram {
  let entry = 0;
  const quoted = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  const strings: string[] = [];
  const entries = programs.map((program, i) => {
    if (!isDiskProgram(program)) {
      const name = (typeof program === "string" ? program : program.name).replace(/[^\x20-\x7e]/g, "?");
      strings.push(`init_name${i}:     .asciz ${quoted(name)}`);
      return `        .word init_name${i}, 0, ${++entry}`;
    }
    const argv = diskArgv(program);
    strings.push(...argv.map((a, j) => `init_arg${i}_${j}:     .asciz ${quoted(a)}`));
    strings.push("        .align 4", `init_argv${i}:    .word ${argv.map((_, j) => `init_arg${i}_${j}`).join(", ")}, 0`);
    return `        .word init_arg${i}_0, init_argv${i}, 0`;
  });
  const data = [
    "        .data",
    "        .align 4",
    `init_count:     .word ${programs.length}`,
    `init_pids:      .space ${programs.length * 4}`,
    "init_programs:",
    ...entries,
    ...strings,
  ].join("\n");
  const source = fs.readFileSync(path.join(GUESTS_DIR, "init.s"), "utf8") + "\n" + data + "\n";
  return { name: "init", source };
}

const NEEDS_MAIN = "a user program defines main: (ulib.s's _start calls it, and exits with what it returns)";

/**
 * A program without `main:` fails inside ulib.s ("undefined symbol 'main'"),
 * which is not where the mistake is: say it of the program, in one line.
 */
function withoutMissingMain(error: AssemblyError, file: string): AssemblyError | UserError {
  const missing = (d: Diagnostic): boolean => d.file === ULIB && d.message.startsWith("undefined symbol 'main'");
  if (!error.diagnostics.some(missing)) return error;
  const rest = error.diagnostics.filter((d) => !missing(d));
  return rest.length === 0 ? new UserError(`${file} has no main: label`, NEEDS_MAIN) : new AssemblyError(rest);
}

const kernelCache = new Map<KernelPlatform, { source: string; program: Program }>();

/**
 * The kernel for `platform` assembled at 0; kept while its files are
 * unchanged (boots are frequent). It must define every BOOT_LAYOUT and
 * PROC_ constant, since boot.ts reads its process table too.
 */
export function assembleKernel(platform: KernelPlatform = "native"): Program {
  const files = kernelSources(platform);
  const source = files.map((f) => f.text).join("\n");
  let cached = kernelCache.get(platform);
  if (cached?.source !== source) {
    const required = [...Object.keys(BOOT_LAYOUT), ...Object.keys(PROC_LAYOUT).map((name) => `PROC_${name}`), ...Object.keys(PAGER_STATS_LAYOUT).map((name) => `PS_${name}`), "NSAMPLES", "COMM_SIZE"];
    cached = { source, program: assembleBootKernel(files, required.filter((n) => n !== "FIRST_IMAGE"), KERNEL_BASES[platform]) };
    kernelCache.set(platform, cached);
  }
  return cached.program;
}

/**
 * Assembles a kernel to stand at physical 0 of the loader's image, its
 * addresses starting at `kernelBase` (0, or kseg0's): it must end below
 * the boot table, and each layout constant it defines must agree with the
 * loader's (or the boot table would be written where the kernel does not
 * look); the `required` ones must be defined.
 */
export function assembleBootKernel(files: SourceFile[], required: readonly string[], kernelBase = 0): Program {
  const kernel = assemble(files, { origin: kernelBase });
  const file = files[0]?.file ?? "the kernel";
  const base = kernel.constants.get("KERNEL_BASE");
  if (base !== undefined && base >>> 0 !== kernelBase >>> 0) {
    throw new Error(`${file} has .equ KERNEL_BASE = 0x${(base >>> 0).toString(16)}, but it is assembled at 0x${kernelBase.toString(16)}`);
  }
  const layout = new Map<string, number>([
    ...Object.entries(BOOT_LAYOUT),
    ...Object.entries(PROC_LAYOUT).map(([name, value]) => [`PROC_${name}`, value] as [string, number]),
    ...Object.entries(PAGER_STATS_LAYOUT).map(([name, value]) => [`PS_${name}`, value] as [string, number]),
    ["NSAMPLES", PAGER_SAMPLES],
    ["COMM_SIZE", COMM_SIZE],
  ]);
  for (const [name, value] of layout) {
    const equ = kernel.constants.get(name);
    if (equ !== undefined && name !== "FIRST_IMAGE" && equ >>> 0 !== value >>> 0) {
      throw new Error(`${file} has .equ ${name} = 0x${(equ >>> 0).toString(16)}, but loader.ts says 0x${value.toString(16)}`);
    }
  }
  for (const name of required) {
    if (!kernel.constants.has(name)) throw new Error(`${file} does not define ${name}, which loader.ts relies on`);
  }
  if (kernel.end - kernelBase > BOOT_LAYOUT.BOOT_TABLE) {
    throw new Error(`${file} ends at 0x${(kernel.end - kernelBase).toString(16)}, past the boot table at 0x${BOOT_LAYOUT.BOOT_TABLE.toString(16)}`);
  }
  return kernel;
}

/** Builds the bootable image: kernel, boot table, programs (diagram above). */
export function buildKernelImage(options: KernelImageOptions): KernelImage {
  const timerInterval = options.timerInterval ?? DEFAULT_TIMER_INTERVAL;
  const memoryBytes = options.memoryBytes ?? DEFAULT_KERNEL_MEMORY;
  const platform = options.platform ?? "native";
  checkPlatform(platform);
  const init = options.init === true || options.programs.some(isDiskProgram);
  checkOptions(options, init, timerInterval, memoryBytes);
  const kernel = assembleKernel(platform);
  const builtIn = options.programs.filter((p): p is BuiltInProgram => !isDiskProgram(p));
  const assembled = (init ? [initProgram(options.programs), ...builtIn] : builtIn).map(assembleUserProgram);
  const programs: LoadedProgram[] = [];
  let next: number = BOOT_LAYOUT.FIRST_IMAGE;
  for (const [i, { name, program }] of assembled.entries()) {
    const length = roundUp(program.image.length, 4);
    const pid = init && i > 0 ? 0 : i + 1;
    programs.push({ name, pid, physical: next, length, entry: program.entry, symbols: program.symbols });
    next = roundUp(next + length, PAGE_SIZE);
  }
  const started = init ? 1 : Math.max(1, Math.min(options.startedAtBoot ?? programs.length, programs.length));
  for (const [i, p] of programs.entries()) if (i >= started) programs[i] = { ...p, pid: 0 };
  const freeStart = next;
  if (freeStart + 16 * PAGE_SIZE > memoryBytes) {
    throw new UserError(`the programs need more than the kernel's ${memoryBytes} bytes of memory`, "give it more memory: `vmlab boot --memory BYTES`, or memoryBytes from code");
  }
  const image = new Uint8Array(freeStart);
  image.set(kernel.image, 0);
  writeBootTable(image, { count: programs.length, started, timerInterval, memoryBytes, freeStart, init });
  for (const [i, p] of programs.entries()) {
    image.set(assembled[i].program.image, p.physical);
    writeEntry(image, i, p);
  }
  return { platform, kernelBase: KERNEL_BASES[platform], image, symbols: kernel.symbols, kernel, programs, init, timerInterval, memoryBytes, freeStart };
}

function checkOptions(options: KernelImageOptions, init: boolean, timerInterval: number, memoryBytes: number): void {
  const n = options.programs.length;
  const most = init ? INIT_MAX_PROGRAMS : BOOT_LAYOUT.NPROC;
  if (n < 1 || n > most) {
    const why = init ? "init (pid 1) takes one of the kernel's process slots" : undefined;
    throw new UserError(`the kernel runs 1 to ${most} programs${init ? " under init" : ""}, not ${n}`, why);
  }
  if (!Number.isInteger(timerInterval) || timerInterval < 0 || timerInterval > 0xffffffff) {
    throw new UserError(`timerInterval must be a whole number of cycles >= 0, not ${timerInterval}`);
  }
  if (!Number.isInteger(memoryBytes) || memoryBytes % PAGE_SIZE !== 0 || memoryBytes < 128 * 1024 || memoryBytes > 0x4000_0000) {
    throw new UserError(`memoryBytes must be a multiple of 4096 from 128 KiB to 1 GiB, not ${memoryBytes}`);
  }
}

interface BootHeader {
  count: number;
  /** Entries the kernel starts as boot processes (BT_PROCS). */
  started: number;
  timerInterval: number;
  memoryBytes: number;
  freeStart: number;
  init: boolean;
}

function writeBootTable(image: Uint8Array, h: BootHeader): void {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const at = BOOT_LAYOUT.BOOT_TABLE;
  view.setUint32(at + BOOT_LAYOUT.BT_MAGIC, BOOT_LAYOUT.BOOT_MAGIC, true);
  view.setUint32(at + BOOT_LAYOUT.BT_COUNT, h.count, true);
  view.setUint32(at + BOOT_LAYOUT.BT_TIMER, h.timerInterval, true);
  view.setUint32(at + BOOT_LAYOUT.BT_MEM_TOP, h.memoryBytes, true);
  view.setUint32(at + BOOT_LAYOUT.BT_FREE, h.freeStart, true);
  view.setUint32(at + BOOT_LAYOUT.BT_INIT, h.init ? 1 : 0, true);
  view.setUint32(at + BOOT_LAYOUT.BT_PROCS, h.started, true);
}

function writeEntry(image: Uint8Array, i: number, p: LoadedProgram): void {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const at = BOOT_LAYOUT.BOOT_TABLE + BOOT_LAYOUT.BT_ENTRIES + i * BOOT_LAYOUT.BTE_SIZE;
  view.setUint32(at + BOOT_LAYOUT.BTE_PHYS, p.physical, true);
  view.setUint32(at + BOOT_LAYOUT.BTE_LENGTH, p.length, true);
  view.setUint32(at + BOOT_LAYOUT.BTE_ENTRY, p.entry >>> 0, true);
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/**
 * The compute program's inner loop (between its "compute loop" marker
 * comments) as a bare-metal program: `iterations` rounds of fib, then
 * `halt` with fib(iterations) mod 2^32 in a0. It uses only add, addi, lui,
 * ori, blt and halt, so the reference interpreter of test/bench can run it
 * too (the `user_mips` benchmark).
 */
export function computeBenchmarkSource(iterations: number): string {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > 0x7fffffff) {
    throw new UserError(`iterations must be a whole number from 1 to 2^31-1, not ${iterations}`);
  }
  const lines = userProgramSource("compute").split("\n");
  const begin = lines.findIndex((l) => l.includes("# compute loop: begin"));
  const end = lines.findIndex((l) => l.includes("# compute loop: end"));
  if (begin < 0 || end < begin) throw new Error("compute.s lost its compute loop markers");
  return [
    "# fib(N) mod 2^32, the compute program's loop, on bare metal",
    `        li   t3, ${iterations}`,
    ...lines.slice(begin + 1, end),
    "        mv   a0, t0",
    "        halt",
    "",
  ].join("\n");
}

/** fib(n) mod 2^32, what compute prints and the benchmark halts with. */
export function fibMod32(n: number): number {
  let a = 0;
  let b = 1;
  for (let i = 0; i < n; i++) [a, b] = [b, (a + b) >>> 0];
  return a >>> 0;
}
