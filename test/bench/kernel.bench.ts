/**
 * The guest kernel's speed (issue 10, "Speed": `vmlab bench kernel
 * --json`), on bare toy32 and under each technique, side by side in one
 * process. The figures are simulated: cycles from the cost table turned
 * into rates at its CLOCK_HZ, so they are the same on every machine.
 *
 *   fork_exec_wait_per_s_MODE   fork + exec of /true from the disk + wait
 *   file_write_mb_per_s_MODE    1 KiB writes to a new file (the buffer
 *                               cache writes through: the disk's DMA and
 *                               interrupts are in the figure), MB = 10^6 B
 *   swap_pageins_per_s_MODE     page-ins while a process sweeps a heap
 *                               twice the kernel's memory (every page of
 *                               every sweep comes back from swap)
 *   pv_over_native_fork         the fork + exec + wait loop's cycles under
 *                               the paravirtual kernel over the native
 *                               kernel's on bare metal, at the kernel's
 *                               DEFAULT_MMU_BATCH; _batchN at batch N
 *   wall_mips                   guest instructions of all runs over their
 *                               wall-clock seconds (the simulator's speed)
 *
 * MODE is bare, te (trap-and-emulate), bt (binary translation), ha
 * (hardware assist, nested paging) or pv (the paravirtual kernel under its
 * hypervisor). Each figure is marginal: a workload runs twice, short and
 * long, and the rate is the extra work over the extra cycles, so booting
 * the kernel and reading the superblock are not in it. The cycles are a
 * run's elapsed ones (WorkloadRun.elapsed): in a VM its machine cycles
 * and the time it waited idle for the disk, as bare metal's cycles are.
 * Every run's console must equal what bare metal prints (the work the
 * program counts it did), or the suite fails.
 */
import {
  CLOCK_HZ,
  DEFAULT_MMU_BATCH,
  buildImage,
  buildKernelImage,
  buildParavirtualKernelImage,
  executableFromSource,
  fileWriteProgram,
  forkExecWaitProgram,
  runBare,
  runVirtualized,
  swapSweepProgram,
  trueProgram,
  type GuestProgram,
  type Technique,
  type WorkloadRun,
} from "vmlab";
import type { BenchSuite } from "vmlab/dist/benchmark";

const FORKS = Number(process.env.VMLAB_KERNEL_FORKS ?? 40);
const FILE_KIB = Number(process.env.VMLAB_KERNEL_FILE_KIB ?? 128);
const SWEEPS = Number(process.env.VMLAB_KERNEL_SWEEPS ?? 2);
/** The short run of each workload, which the long one adds FORKS, FILE_KIB or SWEEPS to. */
const SHORT = { forks: 4, kib: 16, sweeps: 1 };
/** The swap workload: a heap of twice the kernel's memory. */
const SWAP_MEMORY = 256 * 1024;
const SWAP_PAGES = (2 * SWAP_MEMORY) / 4096;
const PV_BATCHES = [1, 4, 16];

interface Mode {
  readonly key: string;
  readonly name: string;
  /** Absent: bare toy32. */
  readonly technique?: Technique;
  /** The paravirtual kernel with this MMU_UPDATE batch. */
  readonly mmuBatch?: number;
}

const pvMode = (mmuBatch: number): Mode => ({ key: "pv", name: `paravirtual (batch ${mmuBatch})`, technique: "trap-and-emulate", mmuBatch });
const MODES: readonly Mode[] = [
  { key: "bare", name: "bare metal" },
  { key: "te", name: "trap-and-emulate", technique: "trap-and-emulate" },
  { key: "bt", name: "binary translation", technique: "binary-translation" },
  { key: "ha", name: "hardware assist (nested paging)", technique: "hardware-assist" },
  pvMode(DEFAULT_MMU_BATCH),
];

/** A workload: its program at a size, the kernel's memory, the disk it starts from. */
interface Workload {
  readonly label: string;
  readonly metric: string;
  readonly program: (long: boolean) => GuestProgram;
  /** What bare metal must print: the work done, counted by the program itself. */
  readonly expected: (long: boolean) => string;
  /** The work a run did (forks, bytes, page-ins), from its run. */
  readonly work: (run: WorkloadRun, long: boolean) => number;
  /** Work per cycle into the metric's unit. */
  readonly scale: number;
  readonly memoryBytes?: number;
  readonly disk: Uint8Array;
}

/** What print_hex and a newline print. */
const hexLine = (n: number): string => `0x${n.toString(16).padStart(8, "0")}\n`;

const trueDisk = buildImage({ kind: "directory", entries: new Map([["true", { kind: "file", data: executableFromSource(trueProgram()) }]]) });
const emptyDisk = buildImage({ kind: "directory", entries: new Map() });

const WORKLOADS: readonly Workload[] = [
  {
    label: `fork + exec + wait (${FORKS})`,
    metric: "fork_exec_wait_per_s",
    program: (long) => forkExecWaitProgram(SHORT.forks + (long ? FORKS : 0)),
    expected: (long) => hexLine(SHORT.forks + (long ? FORKS : 0)),
    work: (_, long) => SHORT.forks + (long ? FORKS : 0),
    scale: CLOCK_HZ,
    disk: trueDisk,
  },
  {
    label: `file write (${FILE_KIB} KiB)`,
    metric: "file_write_mb_per_s",
    program: (long) => fileWriteProgram(SHORT.kib + (long ? FILE_KIB : 0)),
    expected: (long) => hexLine((SHORT.kib + (long ? FILE_KIB : 0)) * 1024),
    work: (_, long) => (SHORT.kib + (long ? FILE_KIB : 0)) * 1024,
    scale: CLOCK_HZ / 1e6,
    disk: emptyDisk,
  },
  {
    label: `swap (${SWEEPS} sweeps of ${SWAP_PAGES} pages)`,
    metric: "swap_pageins_per_s",
    program: (long) => swapSweepProgram(SWAP_PAGES, SHORT.sweeps + (long ? SWEEPS : 0)),
    expected: () => "ok\n",
    work: (run) => run.pager.pageIns,
    scale: CLOCK_HZ,
    memoryBytes: SWAP_MEMORY,
    disk: emptyDisk,
  },
];

interface Totals {
  instructions: number;
  seconds: number;
}

function runIn(mode: Mode, program: GuestProgram, w: Workload, totals: Totals): WorkloadRun {
  const options = { programs: [program], timerInterval: 0, memoryBytes: w.memoryBytes };
  let r: WorkloadRun;
  if (mode.mmuBatch !== undefined) r = runVirtualized(buildParavirtualKernelImage({ ...options, mmuBatch: mode.mmuBatch }), "trap-and-emulate", { paravirtual: true, disk: w.disk });
  else if (mode.technique) r = runVirtualized(buildKernelImage(options), mode.technique, { disk: w.disk });
  else r = runBare(buildKernelImage(options), { disk: w.disk });
  totals.instructions += r.instructions;
  totals.seconds += r.seconds;
  return r;
}

/**
 * The workload's short and long runs in `mode`: extra work and extra
 * cycles. Each must print what the program counts it did, on bare metal
 * and so in every mode the same.
 */
function marginal(mode: Mode, w: Workload, totals: Totals): { work: number; cycles: number } {
  const [short, long] = [false, true].map((isLong) => {
    const r = runIn(mode, w.program(isLong), w, totals);
    if (r.console !== w.expected(isLong)) throw new Error(`kernel: ${w.label} under ${mode.name} printed ${JSON.stringify(r.console)}, not ${JSON.stringify(w.expected(isLong))}`);
    return r;
  });
  const work = w.work(long, true) - w.work(short, false);
  if (work <= 0) throw new Error(`kernel: ${w.label} under ${mode.name} did no more work in its long run than in its short one`);
  return { work, cycles: long.elapsed - short.elapsed };
}

const cyclesPerWork = (m: { work: number; cycles: number }): number => m.cycles / m.work;
const round = (x: number): number => Math.round(x * 1000) / 1000;

export const suite: BenchSuite = {
  name: "kernel",
  description: "the guest kernel's fork+exec+wait, file write and swap rates (simulated) on bare metal and under each technique",
  async run(report) {
    const out: Record<string, number> = {};
    const totals: Totals = { instructions: 0, seconds: 0 };
    const forkCycles = new Map<string, number>();
    report(`simulated rates at CLOCK_HZ = ${CLOCK_HZ / 1e9} GHz (marginal: long run minus short run):`);
    report(`  ${"workload".padEnd(34)}${MODES.map((m) => m.key.padStart(12)).join("")}`);
    for (const w of WORKLOADS) {
      const rates = MODES.map((mode) => {
        const m = marginal(mode, w, totals);
        if (w === WORKLOADS[0]) forkCycles.set(mode.name, cyclesPerWork(m));
        const rate = (m.work / m.cycles) * w.scale;
        out[`${w.metric}_${mode.key}`] = round(rate);
        return rate;
      });
      report(`  ${w.label.padEnd(34)}${rates.map((x) => x.toFixed(1).padStart(12)).join("")}`);
    }
    const bare = forkCycles.get("bare metal") as number;
    const forkLoop = WORKLOADS[0];
    for (const batch of PV_BATCHES) {
      const mode = pvMode(batch);
      const perFork = forkCycles.get(mode.name) ?? cyclesPerWork(marginal(mode, forkLoop, totals));
      out[`pv_over_native_fork_batch${batch}`] = round(perFork / bare);
      report(`  paravirtual fork + exec + wait at MMU batch ${String(batch).padStart(2)}: ${Math.round(perFork)} cycles, ${(perFork / bare).toFixed(3)} x bare metal's`);
    }
    out.pv_over_native_fork = round((forkCycles.get(pvMode(DEFAULT_MMU_BATCH).name) as number) / bare);
    out.wall_mips = round(totals.instructions / totals.seconds / 1e6);
    report(`pv over native on the fork loop at the default batch (${DEFAULT_MMU_BATCH}): ${out.pv_over_native_fork}; the simulator ran ${out.wall_mips} MIPS`);
    return out;
  },
};
