/**
 * The guest kernel (src/guests/kernel.s) booted on bare toy32 with the
 * user programs of src/guests/programs: console output, process table,
 * preemption order, system calls, kills and halting, all exact because
 * the machine is deterministic in cycles.
 */
import { describe, expect, it } from "vitest";
import { assemble } from "../../src/machine/assembler";
import { Machine } from "../../src/machine/machine";
import { UserError } from "../../src/errors";
import { bootKernel, processTable } from "../../src/guests/boot";
import {
  buildKernelImage,
  computeBenchmarkSource,
  fibMod32,
  kernelSource,
  userProgram,
  userProgramNames,
  type BootOptions,
} from "../../src/guests";

function run(options: BootOptions, maxCycles = 20_000_000) {
  const machine = bootKernel(options);
  const result = machine.run({ maxCycles });
  return { machine, result, output: machine.console.output, table: processTable(machine) };
}

/** A one-off user program: `body` is main's code; it may use ulib. */
function program(name: string, body: string): { name: string; source: string } {
  return { name, source: `        .text\nmain:\n${body}\n` };
}

describe("the software-tlb platform (MIPS-style refill from kseg0)", () => {
  // Timer off: with preemption the two platforms' different costs (a
  // software refill against a hardware walk) switch at different points.
  const programs = ["hello", "compute", "fault", "pingpong"];
  const native = run({ programs, timerInterval: 0 });
  const swtlb = run({ programs, timerInterval: 0, platform: "software-tlb" });
  const tlb = swtlb.machine.mmu.tlb;

  it("prints exactly what the native kernel prints, on a machine built software-tlb", () => {
    expect(swtlb.machine.mmu.kind).toBe("software-tlb");
    expect(swtlb.output).toBe(native.output);
    expect(`${swtlb.result.reason} ${swtlb.result.exitCode}`).toBe(`${native.result.reason} ${native.result.exitCode}`);
    expect(swtlb.table.map((p) => [p.pid, p.state, p.exitStatus])).toEqual(native.table.map((p) => [p.pid, p.state, p.exitStatus]));
  });

  it("refills the TLB in its TLB_MISS handler: one tlbw per miss, and the kernel itself never misses (kseg0)", () => {
    const misses = swtlb.machine.stats.traps[10];
    expect(misses).toBeGreaterThan(0);
    expect(tlb.writes).toBe(misses);
    expect(tlb.misses).toBe(misses);
    expect(tlb.hits).toBeGreaterThan(10 * misses);
  });

  it("switches address spaces by ASID: the TLB is flushed only at boot and when a process exits", () => {
    const preempted = run({ programs, timerInterval: 2000, platform: "software-tlb" });
    const dispatches = preempted.table.reduce((n, p) => n + p.dispatches, 0);
    const tlb = preempted.machine.mmu.tlb;
    expect(dispatches).toBeGreaterThan(2 * programs.length);
    expect(tlb.flushes).toBe(1 + programs.length);
  });

  it("reads the process table through kseg0 kernel addresses", () => {
    expect(swtlb.table.map((p) => p.name)).toEqual(programs);
    expect(swtlb.table.every((p) => p.pageDirectory > 0 && p.pageDirectory < (1 << 20))).toBe(true);
  });
});

describe("the kernel runs hello, compute and fault", () => {
  const { result, output, table } = run({ programs: ["hello", "compute", "fault"] });
  const fib = fibMod32(30000).toString(16).padStart(8, "0");

  it("prints what each process printed and kills the faulting one, in a fixed order", () => {
    expect(output).toBe(
      [
        "hello, world",
        "fault: storing to address 0",
        "[kernel] pid 3 killed: PAGE_FAULT_STORE at 0x00000000",
        "compute: fib(30000) mod 2^32 ...",
        `compute: fib(30000) mod 2^32 = 0x${fib}`,
        "",
      ].join("\n"),
    );
  });

  it("halts when every process has exited, with the number killed as the exit code", () => {
    expect(result.reason).toBe("halted");
    expect(result.exitCode).toBe(1);
    expect(table.map((p) => [p.pid, p.name, p.state, p.exitStatus])).toEqual([
      [1, "hello", "exited", 0],
      [2, "compute", "exited", 0],
      [3, "fault", "exited", -1],
    ]);
  });

  it("preempts the long computation many times (the timer's round robin)", () => {
    const compute = table[1];
    expect(compute.dispatches).toBeGreaterThan(30);
    expect(compute.cycles).toBeGreaterThan(5 * 30000);
    expect(compute.cycles).toBeLessThan(result.cycles);
  });

  it("is deterministic: the same run takes the same cycles", () => {
    expect(run({ programs: ["hello", "compute", "fault"] }).result.cycles).toBe(result.cycles);
  });
});

describe("timer preemption", () => {
  it("interleaves two busy processes tick by tick", () => {
    const { output, result } = run({ programs: ["ticker", "ticker"], timerInterval: 5000 });
    const lines = [0, 1, 2, 3].flatMap((i) => [`pid 1 tick ${i}`, `pid 2 tick ${i}`]);
    expect(output).toBe(lines.map((l) => `${l}\n`).join(""));
    expect(result.exitCode).toBe(0);
  });

  it("runs each to completion in turn when the timer is off", () => {
    const { output } = run({ programs: ["ticker", "ticker"], timerInterval: 0 });
    const lines = [1, 2].flatMap((pid) => [0, 1, 2, 3].map((i) => `pid ${pid} tick ${i}`));
    expect(output).toBe(lines.map((l) => `${l}\n`).join(""));
  });

  it("a longer time slice lets each process print more before the switch", () => {
    const { output } = run({ programs: ["ticker", "ticker"], timerInterval: 7500 });
    const order = [[1, 0], [1, 1], [2, 0], [2, 1], [1, 2], [1, 3], [2, 2], [2, 3]];
    expect(output).toBe(order.map(([pid, i]) => `pid ${pid} tick ${i}\n`).join(""));
  });
});

describe("system calls", () => {
  it("yield hands the processor to the other process (timer off: strict alternation)", () => {
    const { output } = run({ programs: ["pingpong", "pingpong"], timerInterval: 0 });
    const lines = [0, 1, 2].flatMap((r) => [`pid 1 round ${r}`, `pid 2 round ${r}`]);
    expect(output).toBe(lines.map((l) => `${l}\n`).join(""));
  });

  it("write, getpid, putc, uptime and the error cases each work", () => {
    // A slice long enough for a process to fault in its first pages (pager.s) and print.
    const { output, result } = run({ programs: ["hello", "syscalls"], timerInterval: 5000 });
    expect(output).toBe(
      [
        "hello, world",
        "getpid: 2",
        "pu",
        "uptime grows: ok",
        "write returns its length: ok",
        "write to fd 7 fails: ok",
        "write from kernel memory fails: ok",
        "write from unmapped memory fails: ok",
        "syscall 99 fails: ok",
        "",
      ].join("\n"),
    );
    expect(result.exitCode).toBe(0);
  });

  it("sbrk maps fresh zeroed pages the process can use", () => {
    const { output, result, table } = run({ programs: ["heap"] });
    expect(output).toBe(`heap: 10000 bytes from sbrk, sum of 0..2499 = ${(2499 * 2500) / 2}\n`);
    expect(result.exitCode).toBe(0);
    expect(table[0].brk - table[0].heapStart).toBe(10000);
  });

  it("sbrk beyond the machine's memory returns -1 and gives back what it had mapped", () => {
    const big = program(
      "big",
      [
        "        push ra",
        "        li a0, 0x200000             # 2 MiB: more than the machine has",
        "        call sbrk",
        "        call print_dec",
        "        li a0, ' '",
        "        call putc",
        "        li a0, 0x96000              # 600 KiB: fits only if the pages came back",
        "        call sbrk",
        "        call print_hex",
        "        li a0, 0",
        "        pop ra",
        "        ret",
      ].join("\n"),
    );
    const { output, result } = run({ programs: [big] });
    expect(output).toBe("-1 0x40001000");
    expect(result.reason).toBe("halted");
  });

  it("sleep lets the others run, and wakes the sleeper on a later tick", () => {
    const { output, table } = run({ programs: ["sleeper", "compute"], timerInterval: 5000 });
    expect(output.split("\n").slice(0, 3)).toEqual([
      "sleeper: sleeping 20000 cycles",
      "compute: fib(30000) mod 2^32 ...",
      "sleeper: awake, and at least 20000 cycles have passed",
    ]);
    expect(table.map((p) => p.state)).toEqual(["exited", "exited"]);
  });

  it("with every process asleep the kernel idles the machine with wfi", () => {
    const { output, result } = run({ programs: ["sleeper"] });
    expect(output).toBe("sleeper: sleeping 20000 cycles\nsleeper: awake, and at least 20000 cycles have passed\n");
    expect(result.reason).toBe("halted");
    expect(result.stats.idleCycles).toBeGreaterThan(15000);
  });

  it("sleep fails with the timer off (nothing would wake the process)", () => {
    const nap = program("nap", "        push ra\n        li a0, 100\n        call sleep\n        call print_dec\n        li a0, 0\n        pop ra\n        ret");
    const { output, result } = run({ programs: [nap], timerInterval: 0 });
    expect(output).toBe("-1");
    expect(result.reason).toBe("halted");
  });

  it("exit passes its code to the process table", () => {
    const seven = program("seven", "        li a0, 7\n        call exit");
    const { table, result } = run({ programs: [seven] });
    expect(table[0].exitStatus).toBe(7);
    expect(result.exitCode).toBe(0);
  });
});

describe("protection: a faulting process is killed with its cause and address", () => {
  const cases: [string, string, string][] = [
    ["a privileged instruction", "        halt", "PRIVILEGED_INSTRUCTION at pc 0x40000000"],
    ["a jump into the kernel", "        li t0, 0x100\n        jalr zero, t0, 0", "PAGE_FAULT_FETCH at 0x00000100"],
    ["a load from the console page", "        li t0, 0xffff0000\n        lw t1, 0(t0)", "PAGE_FAULT_LOAD at 0xffff0000"],
    ["a division by zero", "        nop\n        div t0, t0, zero", "DIVIDE_BY_ZERO at pc 0x40000004"],
    ["an illegal instruction", "        .word 0", "ILLEGAL_INSTRUCTION at pc 0x40000000"],
    ["a misaligned load", "        li t0, 0x7ffffff2\n        lw t1, 0(t0)", "MISALIGNED at 0x7ffffff2"],
    ["a store below its stack", "        li t0, 0x7ffff000\n        sw zero, -4(t0)", "PAGE_FAULT_STORE at 0x7fffeffc"],
  ];
  for (const [what, body, message] of cases) {
    it(what, () => {
      const { output, result } = run({ programs: [program("bad", body), "hello"] });
      expect(output).toContain(`[kernel] pid 1 killed: ${message}`);
      expect(output).toContain("hello, world\n");
      expect(result.reason).toBe("halted");
      expect(result.exitCode).toBe(1);
    });
  }

  it("a process cannot mask the timer with popf: user mode ignores IE", () => {
    const spin = "        popf zero\n        li t0, 20000\nspin:\n        addi t0, t0, -1\n        bnez t0, spin\n        li a0, 0\n        ret";
    const { result, table } = run({ programs: [program("popf", spin), "compute"] });
    expect(result.reason).toBe("halted");
    expect(table[0].dispatches).toBeGreaterThan(5);
  });
});

describe("the boot image", () => {
  it("boots the same loaded by hand at physical 0, as a hypervisor would", () => {
    const image = buildKernelImage({ programs: ["hello", "ticker"] });
    const bare = new Machine({ memoryBytes: image.memoryBytes });
    bare.load(image.image, 0);
    const result = bare.run({ maxCycles: 20_000_000 });
    const booted = run({ programs: ["hello", "ticker"] });
    expect(bare.console.output).toBe(booted.output);
    expect(result.cycles).toBe(booted.result.cycles);
  });

  it("runs on a machine built virtualizable (the kernel's pushf/popf are in kernel mode)", () => {
    const { output, result } = run({ programs: ["hello"], machine: { virtualizable: true } });
    expect(output).toBe("hello, world\n");
    expect(result.exitCode).toBe(0);
  });

  it("refuses a machine whose MMU the platform cannot run on, naming the platform that can", () => {
    expect(() => bootKernel({ programs: ["hello"], machine: { mmu: "software-tlb" } })).toThrow(UserError);
    expect(() => bootKernel({ programs: ["hello"], machine: { mmu: "software-tlb" } })).toThrow(/native kernel needs mmu: "hardware"/);
    expect(() => bootKernel({ programs: ["hello"], platform: "software-tlb", machine: { mmu: "hardware" } })).toThrow(/software-tlb kernel needs mmu: "software-tlb"/);
  });

  it("boots a built-in program with its source changed", () => {
    const hello = userProgram("hello");
    const shouting = { ...hello, source: hello.source.replace("hello, world", "HELLO, WORLD") };
    expect(run({ programs: [shouting] }).output).toBe("HELLO, WORLD\n");
  });

  it("the kernel refuses to run without a boot table", () => {
    const m = new Machine({ memoryBytes: 1 << 20 });
    m.load(assemble(kernelSource(), { file: "kernel.s" }));
    const result = m.run({ maxCycles: 1_000_000 });
    expect(m.console.output).toBe("[kernel] no boot table at 0x00010000\n");
    expect(result.exitCode).toBe(255);
  });

  it("names its programs and rejects unknown ones and bad sources clearly", () => {
    expect(userProgramNames()).toEqual(expect.arrayContaining(["hello", "compute", "fault", "ticker", "pingpong", "heap", "syscalls", "sleeper"]));
    expect(() => buildKernelImage({ programs: ["nope"] })).toThrow(UserError);
    expect(() => buildKernelImage({ programs: [program("broken", "        frob t0")] })).toThrow(/broken\.s:3:\d+/);
    expect(() => buildKernelImage({ programs: Array(9).fill("hello") })).toThrow(/1 to 8 programs/);
  });
});

describe("fork in the process table", () => {
  it("a forked child carries its parent's program name and pid; exited and unreaped, it keeps its status", () => {
    const forker = program("forker", [
      "        call fork",
      "        beqz a0, child",
      "spin:   call yield",
      "        j    spin",
      "child:  li   a0, 5",
      "        call exit",
    ].join("\n"));
    const { result, table } = run({ programs: [forker], timerInterval: 0 }, 200_000);
    expect(result.reason).toBe("max-cycles");
    expect(table.map((p) => [p.pid, p.name, p.state, p.exitStatus, p.parentPid])).toEqual([
      [1, "forker", "runnable", 0, 0],
      [2, "forker", "exited", 5, 1],
    ]);
  });
});

describe("the kernel behaves like one a hypervisor must virtualize", () => {
  it("uses CSRs, rett, TLB maintenance, pushf/popf and wfi as a real kernel does", () => {
    const mixes = [["heap"], ["sleeper", "fault"]].map((programs) => run({ programs }).result.stats.mix);
    for (const op of ["csrr", "csrw", "rett", "tlbflush", "tlbinv", "pushf", "popf", "wfi", "halt"]) {
      expect(mixes.reduce((n, mix) => n + (mix[op] ?? 0), 0), op).toBeGreaterThan(0);
    }
  });
});

describe("the compute loop as a bare-metal benchmark", () => {
  it("halts with fib(n) mod 2^32, the number compute prints", () => {
    const m = new Machine();
    m.load(assemble(computeBenchmarkSource(1000), { file: "compute-bench.s" }));
    const result = m.run({ maxCycles: 100_000 });
    expect(result.reason).toBe("halted");
    expect(result.exitCode! >>> 0).toBe(fibMod32(1000));
  });
});
