/**
 * Workloads for comparing the techniques (the `cpu-virt` benchmark and
 * chapter 03's plots): the same kernel image run on bare toy32 and under
 * each technique, measured in guest instructions, simulated cycles and,
 * for the simulator's own speed only, wall-clock seconds.
 *
 *   userCompute(n)   one process computing fib(n) mod 2^32 in user mode:
 *                    virtualization should cost almost nothing here
 *   syscalls(n)      one process making n getpid system calls: the guest
 *                    kernel runs most of the time, where the techniques differ
 *   forkLoop(n)      one process forking n children that exit at once and
 *                    are waited for: page-table-heavy (copy-on-write sharing,
 *                    unmapping, address-space switches), where the memory
 *                    techniques differ (`vmlab bench memory`)
 *   tlbSweep(p, n)   one process touching p pages one word each, n times
 *                    over: with p above the TLB's 64 entries a TLB miss at
 *                    almost every access, the same pages revisited (what
 *                    Disco's second-level TLB is for, chapter 04)
 *
 * An image built for the software-tlb platform runs on a machine built
 * `mmu: "software-tlb"`, bare or under trap-and-emulate (Disco).
 */
import { Machine } from "../machine/machine";
import { PLATFORM_MMU, buildKernelImage, type GuestProgram, type KernelImage, type KernelPlatform } from "../guests/loader";
import { readPagerStats, type PagerStats } from "../guests/pager-stats";
import { HYPERVISOR_RESERVED, Hypervisor, SHADOW_FRAMES, type Technique } from "./hypervisor";
import { PAGE_SIZE } from "../machine/isa";
import { NestedPageTable } from "../memory/nested-paging";
import type { HardwarePaging } from "./hardware-assist";
import type { VmStats } from "./vm";
import type { ExitControls } from "./exits";

export function userComputeProgram(iterations: number): GuestProgram {
  return {
    name: "user-compute",
    source: `        .text
main:
        push ra
        li   t3, ${iterations}
        li   t0, 0
        li   t1, 1
        li   t2, 0
loop:
        add  t4, t0, t1
        mv   t0, t1
        mv   t1, t4
        addi t2, t2, 1
        blt  t2, t3, loop
        mv   a0, t0
        call print_hex
        li   a0, 10
        call putc
        li   a0, 0
        pop  ra
        ret
`,
  };
}

export function syscallProgram(calls: number): GuestProgram {
  return {
    name: "syscalls-loop",
    source: `        .text
main:
        push ra
        push s0
        li   s0, ${calls}
loop:
        call getpid
        addi s0, s0, -1
        bnez s0, loop
        li   a0, 'k'
        call putc
        li   a0, 10
        call putc
        li   a0, 0
        pop  s0
        pop  ra
        ret
`,
  };
}

/**
 * The end of a workload's main: prints `register` in hex and a newline and
 * returns 0, or at `failed:` prints 'F' and returns 1; either way the
 * `saved` registers are popped (last pushed first), then ra.
 */
function reportHex(register: string, saved: readonly string[]): string {
  return [
    `        mv   a0, ${register}`,
    "        call print_hex",
    "        li   a0, 10",
    "        call putc",
    "        li   a0, 0",
    "        j    out",
    "failed:",
    "        li   a0, 'F'",
    "        call putc",
    "        li   a0, 1",
    "out:",
    ...saved.map((r) => `        pop  ${r}`),
    "        pop  ra",
    "        ret",
    "",
  ].join("\n");
}

export function forkLoopProgram(rounds: number): GuestProgram {
  return {
    name: "fork-loop",
    source: `        .text
main:
        push ra
        push s0
        push s1
        li   s0, ${rounds}
        li   s1, 0                  # children that exited with status 7
loop:
        call fork
        blt  a0, zero, failed
        bnez a0, parent
        li   a0, 7                  # the child: touch its stack, then exit
        push a0
        pop  a0
        call exit
parent:
        call wait
        li   t0, 7
        bne  a1, t0, next
        addi s1, s1, 1
next:
        addi s0, s0, -1
        bnez s0, loop
${reportHex("s1", ["s1", "s0"])}`,
  };
}

/**
 * fork + exec + wait, `rounds` times: each child execs `path` (a program on
 * the disk, e.g. trueProgram's) and the parent reaps it; it prints in hex
 * how many children exited with status 3.
 */
export function forkExecWaitProgram(rounds: number, path = "/true"): GuestProgram {
  return {
    name: "fork-exec-wait",
    source: `        .text
main:
        push ra
        push s0
        push s1
        li   s0, ${rounds}
        li   s1, 0                  # children that exited with status 3
loop:
        beqz s0, done
        call fork
        blt  a0, zero, failed
        bnez a0, parent
        la   a0, path
        la   a1, argv
        call exec
        li   a0, 99                 # exec failed
        call exit
parent:
        call wait
        li   t0, 3
        bne  a1, t0, next
        addi s1, s1, 1
next:
        addi s0, s0, -1
        j    loop
done:
${reportHex("s1", ["s1", "s0"])}        .data
path:   .asciz "${path}"
        .align 4
argv:   .word path, 0
`,
  };
}

/** The program forkExecWaitProgram's children exec: it exits with status 3 at once. */
export function trueProgram(): GuestProgram {
  return { name: "true", source: "        .text\nmain:\n        li   a0, 3\n        ret\n" };
}

/**
 * Writes `kib` KiB to a new file /out, 1 KiB a write (a file holds at most
 * MAX_FILE_BYTES), closes it and prints the bytes written in hex.
 */
export function fileWriteProgram(kib: number): GuestProgram {
  return {
    name: "file-write",
    source: `        .equ O_RDWR,   2
        .equ O_CREATE, 0x200
        .text
main:
        push ra
        push s0
        push s1
        push s2
        la   a0, path
        li   a1, O_CREATE | O_RDWR
        call open
        blt  a0, zero, failed
        mv   s0, a0                 # s0 = fd
        li   s1, ${kib}             # s1 = writes left
        li   s2, 0                  # s2 = bytes written
block:
        beqz s1, written
        la   t0, buf                # the block's first word: its number
        sw   s1, 0(t0)
        mv   a0, s0
        la   a1, buf
        li   a2, 1024
        call write
        blt  a0, zero, failed
        add  s2, s2, a0
        addi s1, s1, -1
        j    block
written:
        mv   a0, s0
        call close
${reportHex("s2", ["s2", "s1", "s0"])}        .data
path:   .asciz "/out"
        .align 4
buf:    .space 1024
`,
  };
}

/**
 * Thrashing: sbrk(`pages` pages), a store to each page naming it, then
 * `passes` sweeps loading one word a page and checking it. With more pages
 * than the kernel has frames, the clock pages them out and every sweep
 * pages them back in. Prints "ok" or "WRONG".
 */
export function swapSweepProgram(pages: number, passes: number): GuestProgram {
  return {
    name: "swap-sweep",
    source: `        .text
main:
        push ra
        push s0
        push s1
        li   a0, ${pages} * 4096
        call sbrk
        li   t0, -1
        beq  a0, t0, wrong
        mv   s0, a0                 # s0 = the heap
        li   t1, 0                  # t1 = page
fill:
        shli t2, t1, 12
        add  t2, t2, s0
        sw   t1, 0(t2)
        addi t1, t1, 1
        li   t3, ${pages}
        bltu t1, t3, fill
        li   s1, ${passes}          # s1 = sweeps left
sweep:
        beqz s1, ok
        li   t1, 0
check:
        shli t2, t1, 12
        add  t2, t2, s0
        lw   t2, 0(t2)
        bne  t2, t1, wrong
        addi t1, t1, 1
        li   t3, ${pages}
        bltu t1, t3, check
        addi s1, s1, -1
        j    sweep
ok:
        li   a0, 'o'
        call putc
        li   a0, 'k'
        call putc
        li   a0, 10
        call putc
        li   a0, 0
        j    out
wrong:
        la   a0, s_wrong
        call print
        li   a0, 1
out:
        pop  s1
        pop  s0
        pop  ra
        ret
        .data
s_wrong: .asciz "WRONG\\n"
`,
  };
}

export function tlbSweepProgram(pages: number, sweeps: number): GuestProgram {
  return {
    name: "tlb-sweep",
    source: `        .text
main:
        push ra
        li   a0, ${pages} * 4096
        call sbrk
        mv   t3, a0                 # t3 = the array
        li   t2, ${sweeps}
sweep:
        mv   t0, t3
        li   t1, ${pages}
page:
        lw   t4, 0(t0)
        addi t4, t4, 1
        sw   t4, 0(t0)
        li   a1, 4096
        add  t0, t0, a1
        addi t1, t1, -1
        bnez t1, page
        addi t2, t2, -1
        bnez t2, sweep
        lw   a0, 0(t3)
        call print_hex
        li   a0, 10
        call putc
        li   a0, 0
        pop  ra
        ret
`,
  };
}

export interface WorkloadRun {
  readonly console: string;
  /** Guest instructions executed (translated ones included). */
  readonly instructions: number;
  /** Simulated machine cycles, overheads included. */
  readonly cycles: number;
  /**
   * Cycles from boot to halt as the guest's disk and timer see them: on
   * bare metal `cycles` (its wfi spends machine cycles); in a VM `cycles`
   * plus stats.idleCycles, the waits the VM's clock skipped. The time a
   * rate of I/O-bound work divides by.
   */
  readonly elapsed: number;
  /** Wall-clock seconds of the run alone (building the image excluded). */
  readonly seconds: number;
  /**
   * CPU seconds (user + system) the process spent on the run: on an idle
   * machine the same as `seconds`; on a shared one it leaves out the time
   * spent waiting for a core.
   */
  readonly cpuSeconds: number;
  /** Under a hypervisor: the VM's statistics (traps, hidden faults, exits ...). */
  readonly stats?: VmStats;
  /** The kernel's paging statistics at the end (page-ins, page-outs ...), read from its memory. */
  readonly pager: PagerStats;
  /** Under nested paging: the MMU's two-dimensional walks, their references, and the nested TLB's hits and misses. */
  readonly nested?: { readonly walks: number; readonly references: number; readonly ntlbHits: number; readonly ntlbMisses: number };
}

export interface BareOptions {
  /** The disk's initial contents (a copy is made): a file system from mkfs or buildImage. */
  readonly disk?: Uint8Array;
}

export interface VirtualizedOptions extends BareOptions {
  /** The image was built with `platform: "paravirtual"` (default: read from the image). */
  readonly paravirtual?: boolean;
  /** Hardware assist's paging: "nested" (default) or "shadow". */
  readonly paging?: HardwarePaging;
  /** Shadow paging: keep contexts across switches (default true). */
  readonly shadowCache?: boolean;
  /** Hardware assist: changes to the VM's control block (what exits). */
  readonly exitControls?: Partial<ExitControls>;
  /** A software-tlb image: entries of the VMM's second-level TLB (default L2_TLB_ENTRIES, 0 = none). */
  readonly l2TlbEntries?: number;
}

/** Runs `work`, timing it by the wall clock and by the process's CPU time. */
function timed<T>(work: () => T): { result: T; seconds: number; cpuSeconds: number } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { result, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** The kernel image for one program, no timer preemption (a deterministic run). */
export function workloadImage(program: GuestProgram, timerInterval = 0, platform: KernelPlatform = "native"): KernelImage {
  return buildKernelImage({ programs: [program], timerInterval, platform });
}

/** Runs the image on bare toy32 (built with the MMU its platform needs). */
export function runBare(image: KernelImage, options: BareOptions = {}): WorkloadRun {
  const m = new Machine({ memoryBytes: image.memoryBytes, mmu: PLATFORM_MMU[image.platform], disk: options.disk });
  m.load(image.image, 0);
  const { result: r, seconds, cpuSeconds } = timed(() => m.run({ maxCycles: 10_000_000_000 }));
  const pager = readPagerStats((pa) => m.memory.readWord(pa), image);
  return { console: m.console.output, instructions: r.instructions, cycles: r.cycles, elapsed: r.cycles, seconds, cpuSeconds, pager };
}

/**
 * Runs the image in one VM under `technique`; `paravirtual` for an image
 * built with `platform: "paravirtual"`.
 */
export function runVirtualized(image: KernelImage, technique: Technique, options: VirtualizedOptions = {}): WorkloadRun {
  // Machine memory for exactly this one VM, as bare metal gets exactly the kernel's.
  const memoryBytes = HYPERVISOR_RESERVED + SHADOW_FRAMES * PAGE_SIZE + NestedPageTable.poolBytes(image.memoryBytes) + image.memoryBytes;
  const paging = technique === "hardware-assist" ? options.paging : undefined;
  const mmu = PLATFORM_MMU[image.platform];
  const hv = new Hypervisor({ technique, sliceCycles: 1_000_000, memoryBytes, paging, shadowCache: options.shadowCache, mmu, l2TlbEntries: options.l2TlbEntries });
  const vm = hv.createVm({ name: technique, memorySize: image.memoryBytes, image: image.image, paravirtual: options.paravirtual ?? image.platform === "paravirtual", disk: options.disk });
  if (options.exitControls && hv.hardware) Object.assign(hv.hardware.controlsOf(vm), options.exitControls);
  hv.start(vm);
  const { result: report, seconds, cpuSeconds } = timed(() => hv.run({ maxCycles: 10_000_000_000 }));
  if (vm.state !== "halted") throw new Error(`${technique}: the workload ended ${vm.state} ${vm.reason}`);
  const w = hv.nestedWalker;
  const nested = w && { walks: w.walks, references: w.references, ntlbHits: w.ntlb.hits, ntlbMisses: w.ntlb.misses };
  const pager = readPagerStats((gpa) => hv.host.memory.readWord(vm.machineAddress(gpa)), image);
  return { console: vm.console, instructions: vm.vcpu.instructions, cycles: report.cycles, elapsed: report.cycles + vm.stats.idleCycles, seconds, cpuSeconds, pager, stats: vm.stats, nested };
}
