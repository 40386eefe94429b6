/**
 * CPU virtualization, side by side in one process (issue: `vmlab bench
 * cpu-virt --json`). The same kernel image runs on bare toy32 and in one VM
 * under each technique; the kernel built for the paravirtual platform runs the same program.
 *
 *   user-mode compute (fib loop in one process, timer off):
 *     bare_mips, trap_emulate_mips, binary_translation_mips,
 *     hw_assist_mips, paravirt_mips   guest instructions per second of the
 *                                     process's CPU time (the same as wall
 *                                     time on an idle machine, steadier on
 *                                     a shared one)
 *     min_ratio_user                  the lowest technique/bare ratio
 *                                     (goal >= 0.95: user code runs natively)
 *   kernel-heavy (a process making getpid calls in a loop):
 *     bt_speedup_kernel               trap-and-emulate seconds / binary
 *                                     translation seconds (goal >= 2)
 *
 * Each figure is the best of several runs (the least disturbed by the other
 * core's work), after one untimed warm-up round. Every run's console must equal bare metal's, or the suite
 * fails: a fast wrong answer is no answer.
 */
import {
  buildParavirtualKernelImage,
  runBare,
  runVirtualized,
  syscallProgram,
  userComputeProgram,
  workloadImage,
  type KernelImage,
  type Technique,
  type WorkloadRun,
} from "vmlab";
import type { BenchSuite } from "vmlab/dist/benchmark";

const USER_ITERATIONS = Number(process.env.VMLAB_CPU_VIRT_ITERATIONS ?? 12_000_000);
const SYSCALLS = Number(process.env.VMLAB_CPU_VIRT_SYSCALLS ?? 150_000);
/** Short runs, many of them: the best of many is the least disturbed. */
const USER_REPEATS = 7;
const KERNEL_REPEATS = 5;

type Mode = "bare" | Technique | "paravirtual";

function once(mode: Mode, image: KernelImage, pvImage: KernelImage): WorkloadRun {
  if (mode === "bare") return runBare(image);
  if (mode === "paravirtual") return runVirtualized(pvImage, "trap-and-emulate", { paravirtual: true });
  return runVirtualized(image, mode);
}

/**
 * The fastest of REPEATS runs of each mode, the modes taking turns (so a
 * burst of load on the shared machine hits all of them alike); every run's
 * console is checked against bare metal's.
 */
function fastest(
  modes: readonly Mode[], image: KernelImage, pvImage: KernelImage, expected: string, repeats: number,
  time: (r: WorkloadRun) => number,
): Map<Mode, WorkloadRun> {
  const best = new Map<Mode, WorkloadRun>();
  // Round 0 warms the JIT up for every mode and is not counted.
  for (let i = 0; i <= repeats; i++) {
    for (const mode of modes) {
      const r = once(mode, image, pvImage);
      if (r.console !== expected) throw new Error(`cpu-virt: ${mode} printed ${JSON.stringify(r.console)}, bare metal ${JSON.stringify(expected)}`);
      const b = best.get(mode);
      if (i > 0 && (!b || time(r) < time(b))) best.set(mode, r);
    }
  }
  return best;
}

const mips = (r: WorkloadRun): number => r.instructions / r.cpuSeconds / 1e6;
const cpuTime = (r: WorkloadRun): number => r.cpuSeconds;
const wallTime = (r: WorkloadRun): number => r.seconds;
const round = (x: number): number => Math.round(x * 1000) / 1000;

const TECHNIQUES: readonly [Mode, string][] = [
  ["trap-and-emulate", "trap_emulate_mips"],
  ["binary-translation", "binary_translation_mips"],
  ["hardware-assist", "hw_assist_mips"],
  ["paravirtual", "paravirt_mips"],
];

export const suite: BenchSuite = {
  name: "cpu-virt",
  description: "user-mode MIPS bare vs trap-and-emulate, binary translation, hardware assist, paravirt; BT over T&E on a syscall loop",
  async run(report) {
    const program = userComputeProgram(USER_ITERATIONS);
    const user = workloadImage(program);
    const userPv = buildParavirtualKernelImage({ programs: [program], timerInterval: 0 });
    const users = fastest(["bare", ...TECHNIQUES.map(([m]) => m)], user, userPv, runBare(user).console, USER_REPEATS, cpuTime);
    const bare = users.get("bare") as WorkloadRun;
    const out: Record<string, number> = { bare_mips: round(mips(bare)) };
    let minRatio = Infinity;
    for (const [mode, key] of TECHNIQUES) {
      const r = users.get(mode) as WorkloadRun;
      out[key] = round(mips(r));
      minRatio = Math.min(minRatio, mips(r) / mips(bare));
      report(`${key}: ${out[key]} (bare ${out.bare_mips})`);
    }
    out.min_ratio_user = round(minRatio);
    const kernel = workloadImage(syscallProgram(SYSCALLS));
    const kernels = fastest(["trap-and-emulate", "binary-translation"], kernel, kernel, runBare(kernel).console, KERNEL_REPEATS, wallTime);
    const te = kernels.get("trap-and-emulate") as WorkloadRun;
    const bt = kernels.get("binary-translation") as WorkloadRun;
    out.bt_speedup_kernel = round(te.seconds / bt.seconds);
    report(`kernel-heavy (${SYSCALLS} system calls): trap-and-emulate ${te.seconds.toFixed(3)} s, binary translation ${bt.seconds.toFixed(3)} s`);
    return out;
  },
};
