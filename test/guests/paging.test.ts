/**
 * Demand paging and the pager's statistics (src/guests/kernel/pager.s),
 * read from TypeScript with pagerStats: pages come in when first touched,
 * a kernel without swap kills the process that needs a page when memory
 * is full (and only that one), and the free-frame samples are a series a
 * plot can use.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { bootKernel, buildKernelImage, pagerStats, processTable, readPagerStats, type KernelPlatform } from "../../src/guests";
import { buildImage } from "../../src/guests/fs";
import { Hypervisor } from "../../src/hypervisor/hypervisor";
import { withKernelLib } from "./kernel-lib";
import { buildParavirtualKernelImage, DEFAULT_MMU_BATCH, MAX_MMU_BATCH } from "../../src/hypervisor/paravirtual-kernel";

/** An empty file system: mkfs's default swap area, a quarter of its 4 MiB. */
const swapDisk = () => buildImage({ kind: "directory", entries: new Map() });
const workingSet = { name: "swap-working-set.s", source: fs.readFileSync(path.join(__dirname, "kernel-programs", "swap-working-set.s"), "utf8") };

/** A one-off user program: `body` is main's code; it may use ulib. */
function program(name: string, body: string, data = ""): { name: string; source: string } {
  return { name, source: `        .text\nmain:\n${body}\n        .data\n${data}\n` };
}

/** sbrk(pages * 4096), then a store to the first word of each of the first `touch` pages. */
function toucher(pages: number, touch: number) {
  return program(
    "toucher",
    [
      "        push ra",
      `        li   a0, ${pages * 4096}`,
      "        call sbrk",
      `        li   t1, ${touch}`,
      "touch:",
      "        beqz t1, done",
      "        sw   t1, 0(a0)",
      "        addi a0, a0, 4096",
      "        addi t1, t1, -1",
      "        j    touch",
      "done:",
      "        li   a0, 0",
      "        pop  ra",
      "        ret",
    ].join("\n"),
  );
}

function boot(programs: Parameters<typeof bootKernel>[0]["programs"], platform: KernelPlatform = "native", memoryBytes?: number, disk?: Uint8Array) {
  const machine = bootKernel({ programs, timerInterval: 0, platform, memoryBytes, machine: { disk } });
  const result = machine.run({ maxCycles: 50_000_000 });
  return { machine, result, output: machine.console.output, stats: pagerStats(machine), table: processTable(machine) };
}

describe("demand paging", () => {
  for (const platform of ["native", "software-tlb"] as const) {
    it(`maps a heap page only when it is touched (${platform})`, () => {
      const few = boot([toucher(64, 2)], platform);
      const many = boot([toucher(64, 40)], platform);
      expect(few.result.exitCode).toBe(0);
      expect(many.result.exitCode).toBe(0);
      // the stack page, the touched heap pages; the image page from the boot image
      expect(few.stats.zeroFills).toBe(1 + 2);
      expect(many.stats.zeroFills).toBe(1 + 40);
      expect(few.stats.imageLoads).toBe(1);
      expect(few.stats.pageOuts).toBe(0);
      expect(few.table[0].brk - few.table[0].heapStart).toBe(64 * 4096);
    });
  }

  it("gives every frame back when the processes exit", () => {
    const { stats } = boot([toucher(64, 40), toucher(8, 8)]);
    // the first sample: at the first fault, when the two processes had
    // their page directories (made at boot) and nothing else
    expect(stats.freeFrames - stats.samples[0].freeFrames).toBe(2);
    expect(Math.min(...stats.samples.map((s) => s.freeFrames))).toBeLessThan(stats.freeFrames - 40);
  });

  it("samples the free frames at every fault, in cycle order, for plots", () => {
    const { stats, machine } = boot([toucher(64, 40)]);
    expect(stats.sampleCount).toBe(stats.faults);
    expect(stats.samples).toHaveLength(stats.faults);
    const cycles = stats.samples.map((s) => s.cycle);
    expect(cycles).toEqual([...cycles].sort((a, b) => a - b));
    const frames = stats.samples.map((s) => s.freeFrames);
    expect(frames[0] - frames[frames.length - 1]).toBeGreaterThanOrEqual(38);
    expect(Math.max(...frames)).toBeLessThanOrEqual(machine.memory.size / 4096);
  });
});

describe("without swap", () => {
  // The parent touches 150 pages, then forks; the child stores to every
  // one: copy-on-write needs 150 more frames than the 1 MiB machine has.
  const hog = program(
    "hog",
    [
      "        push ra",
      "        push s0",
      "        li   a0, 150 * 4096",
      "        call sbrk",
      "        mv   s0, a0",
      "        li   t1, 150",
      "        mv   t2, s0",
      "own:",
      "        sw   t1, 0(t2)",
      "        addi t2, t2, 4096",
      "        addi t1, t1, -1",
      "        bnez t1, own",
      "        call fork",
      "        beqz a0, child",
      "        call wait",
      "        mv   a0, a1",
      "        call print_dec",
      "        li   a0, 10",
      "        call putc",
      "        li   a0, 0",
      "        pop  s0",
      "        pop  ra",
      "        ret",
      "child:",
      "        li   t1, 150",
      "copy:",
      "        sw   t1, 0(s0)",
      "        addi s0, s0, 4096",
      "        addi t1, t1, -1",
      "        bnez t1, copy",
      "        li   a0, 0",
      "        call exit",
    ].join("\n"),
  );

  for (const platform of ["native", "software-tlb"] as const) {
    it(`kills the process that needs a page when memory is full, with a message; the parent goes on (${platform})`, () => {
      const { output, result, stats } = boot([hog], platform);
      expect(output).toMatch(/^\[kernel\] pid 2 killed: no memory for the page at 0x4[0-9a-f]{7}\n-1\n$/);
      expect(`${result.reason} ${result.exitCode}`).toBe("halted 1");
      expect(stats.pageOuts).toBe(0);
    });
  }

  it("a disk with no swap area is no swap either", () => {
    const noSwap = buildImage({ kind: "directory", entries: new Map() }, { swapBytes: 0 });
    const { output, stats } = boot([hog], "native", undefined, noSwap);
    expect(output).toMatch(/^\[kernel\] pid 2 killed: no memory for the page at 0x4[0-9a-f]{7}\n-1\n$/);
    expect(stats.pageOuts).toBe(0);
    const withSwap = boot([hog], "native", undefined, swapDisk());
    expect(withSwap.output).toBe("0\n");
    expect(withSwap.stats.pageOuts).toBeGreaterThan(0);
  });

  it("sbrk refuses more pages than memory (and swap) could ever hold", () => {
    const big = program("big", "        push ra\n        li a0, 0x200000\n        call sbrk\n        call print_dec\n        li a0, 0\n        pop ra\n        ret");
    expect(boot([big]).output).toBe("-1");
  });
});

describe("with a swap area", () => {
  for (const platform of ["native", "software-tlb"] as const) {
    it(`a working set twice the memory completes, paging out and in through the disk (${platform})`, () => {
      const { output, result, stats } = boot([workingSet], platform, 256 * 1024, swapDisk());
      expect(output).toBe("wrote 128 pages\nread back twice: ok\n");
      expect(`${result.reason} ${result.exitCode}`).toBe("halted 0");
      // 128 heap pages in 64 frames: most go out at least once, and come back for each pass
      expect(stats.pageOuts).toBeGreaterThan(128);
      expect(stats.pageIns).toBeGreaterThanOrEqual(128);
      expect(Math.min(...stats.samples.map((s) => s.freeFrames))).toBeLessThanOrEqual(1);
    });
  }

  it("the same run needs more cycles than one that fits in memory: only slower", () => {
    const big = boot([workingSet], "native", 256 * 1024, swapDisk());
    const roomy = boot([workingSet], "native", 1 << 20, swapDisk());
    expect(roomy.output).toBe(big.output);
    expect(roomy.stats.pageOuts).toBe(0);
    expect(big.result.cycles).toBeGreaterThan(2 * roomy.result.cycles);
  });

  it("the statistics read the same from inside a VM (readPagerStats on guest-physical memory)", () => {
    const k = buildKernelImage({ programs: [workingSet], timerInterval: 0, memoryBytes: 256 * 1024 });
    const hv = new Hypervisor({ technique: "binary-translation" });
    const vm = hv.createVm({ name: "swap", memorySize: k.memoryBytes, image: k.image, disk: swapDisk() });
    hv.start(vm);
    hv.run({ maxCycles: 100_000_000 });
    const inVm = readPagerStats((gpa) => hv.host.memory.readWord(vm.machineAddress(gpa)), k);
    const bare = boot([workingSet], "native", 256 * 1024, swapDisk()).stats;
    expect(vm.console).toBe("wrote 128 pages\nread back twice: ok\n");
    expect([inVm.pageIns, inVm.pageOuts, inVm.faults]).toEqual([bare.pageIns, bare.pageOuts, bare.faults]);
  });
});

describe("several processes paging at once", () => {
  // A process in the middle of writing a page to swap sleeps on the disk
  // while the others run: they fault, fork, take pages back, evict the
  // same frames. Each must still read back exactly what it wrote. With the
  // timer on, processes are preempted anywhere and the machine idles
  // while both sleep on the disk, so timer and disk interrupts land in
  // every instruction of the idle loop. Each of these intervals once
  // killed a process at plat_idle_wfi+16 (trap_from_kernel clobbered the
  // t0 the idle loop's cli was computing STATUS in).
  const eighty = { name: "eighty.s", source: workingSet.source.replace("PAGES, 128", "PAGES, 48").replaceAll("wrote 128 pages", "wrote 48 pages") };
    const cow = withKernelLib("swap-cow.s", fs.readFileSync(path.join(__dirname, "kernel-programs", "swap-cow.s"), "utf8"));
  const runPair = (platform: KernelPlatform, timerInterval: number) => {
    const machine = bootKernel({ programs: [eighty, cow], timerInterval, platform, memoryBytes: 256 * 1024, machine: { disk: swapDisk() } });
    const result = machine.run({ maxCycles: 100_000_000 });
    return { machine, result, dispatches: processTable(machine).filter((p) => p.pid <= 2).map((p) => p.dispatches) };
  };
  const pairLines = [
    "child exited 0", "child sees the parent's values: ok", "child's own values: ok", "parent wrote 96 pages",
    "parent's own values: ok", "parent's values unchanged: ok", "read back twice: ok", "wrote 48 pages",
  ];
  // The paravirtual kernel queues page-table updates (platform-pv.s, Linux's
  // lazy MMU mode), and a load of a queued entry reads its old value:
  // cow_fault once read back the entry it had just queued and gave the
  // clock the old shared frame, so at a batch of 16 swap-cow.s read WRONG
  // values and its parent died (it reads it after its TLB operation now,
  // which sends the queue; the clock sends it when it starts and before it
  // returns). Here batches from 1 to the most, with and without the timer.
  for (const mmuBatch of [1, 4, DEFAULT_MMU_BATCH, MAX_MMU_BATCH]) {
    for (const timerInterval of [0, 3000]) {
      it(`the same pair on the paravirtual kernel, MMU_UPDATE batches of ${mmuBatch} (timer ${timerInterval || "off"})`, () => {
        const k = buildParavirtualKernelImage({ programs: [eighty, cow], timerInterval, memoryBytes: 256 * 1024, mmuBatch });
        const hv = new Hypervisor({ technique: "trap-and-emulate" });
        const vm = hv.createVm({ name: "pv", memorySize: k.memoryBytes, image: k.image, paravirtual: true, disk: swapDisk() });
        hv.start(vm);
        hv.run({ maxCycles: 200_000_000 });
        expect(vm.console.split("\n").filter((l) => l !== "").sort()).toEqual(pairLines);
        expect(`${vm.state} ${vm.exitCode}`).toBe("halted 0");
        expect(readPagerStats((gpa) => hv.host.memory.readWord(vm.machineAddress(gpa)), k).pageOuts).toBeGreaterThan(0);
      });
    }
  }
  for (const platform of ["native", "software-tlb"] as const) {
    const unpreempted = runPair(platform, 0);
    for (const timerInterval of [0, 1000, 2000, 3000, 7000]) {
      it(`a working set and a forking one, each sleeping on the disk while the other runs, both right (${platform}, timer ${timerInterval || "off"})`, () => {
        const { machine, result, dispatches } = timerInterval === 0 ? unpreempted : runPair(platform, timerInterval);
        const lines = machine.console.output.split("\n").filter((l) => l !== "").sort();
        expect(lines).toEqual(pairLines);
        expect(`${result.reason} ${result.exitCode}`).toBe("halted 0");
        expect(pagerStats(machine).pageOuts).toBeGreaterThan(0);
        if (timerInterval === 0) {
          // a page taken back while it was on its way to swap (which ones depends on the schedule)
          expect(pagerStats(machine).reclaims).toBeGreaterThan(0);
        } else {
          // preempted: the timer dispatched each boot process more often than its sleeps alone did
          expect(dispatches[0]).toBeGreaterThan(unpreempted.dispatches[0]);
          expect(dispatches[1]).toBeGreaterThan(unpreempted.dispatches[1]);
        }
      });
    }
  }
});
