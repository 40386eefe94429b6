/**
 * Isolation under attack: thousands of random and hostile guests (random
 * words, random instructions with random operands, wild stores, privileged
 * instructions with random values, page-table tricks, endless loops, random
 * hypercalls) run in several VMs at once beside a well-behaved kernel VM,
 * under every technique. Asserted: no VM changes another VM's memory or the
 * hypervisor's, no shadow entry maps outside its VM, the host never throws,
 * every VM ends, and the well-behaved VM prints exactly bare metal's output.
 * On a software-tlb machine (Disco) the hostile guests also write random
 * TLB entries (any VPN, any frame, any flags) and touch kseg0, and every
 * real TLB entry must map a frame of the VM that ran.
 */
import { describe, expect, it } from "vitest";
import { bootKernel } from "../../src/guests/boot";
import { buildKernelImage } from "../../src/guests/loader";
import { HYPERVISOR_RESERVED, Hypervisor, type Technique } from "../../src/hypervisor/hypervisor";
import type { Vm } from "../../src/hypervisor/vm";
import type { HardwarePaging } from "../../src/hypervisor/hardware-assist";
import { BY_MNEMONIC, CSR, INSTRUCTIONS, KSEG0_BASE, MMIO_BASE } from "../../src/machine/isa";
import type { MmuKind } from "../../src/machine/mmu";

/** xorshift32: a seeded stream, so a failure can be replayed. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

const op = (m: string): number => (BY_MNEMONIC.get(m) as { opcode: number }).opcode;
const I = (m: string, rd: number, rs1: number, imm: number): number => ((op(m) << 24) | (rd << 20) | (rs1 << 16) | (imm & 0xffff)) >>> 0;
const S = (m: string, rs1: number, rs2: number, imm: number): number => ((op(m) << 24) | (rs1 << 20) | (rs2 << 16) | (imm & 0xffff)) >>> 0;
const R = (m: string, rd = 0, rs1 = 0, rs2 = 0): number => ((op(m) << 24) | (rd << 20) | (rs1 << 16) | (rs2 << 12)) >>> 0;
const J = (m: string, rd: number, imm: number): number => ((op(m) << 24) | (rd << 20) | (imm & 0xfffff)) >>> 0;
/** li rd, value as lui + ori. */
const li = (rd: number, value: number): number[] => [I("lui", rd, 0, value >>> 16), I("ori", rd, rd, value & 0xffff)];

const HANDLER = 0x800;
const TRAP_TABLE = 0x900;
const MEMORY = 64 * 1024;
const K0 = 15;

/** A trap handler that skips the trapping instruction, so a hostile guest keeps going. */
const SKIP_HANDLER = [I("csrr", K0, 0, CSR.EPC), I("addi", K0, K0, 4), I("csrw", 0, K0, CSR.EPC), R("rett")];

/** Addresses worth aiming at: other VMs, the hypervisor, devices, the edges of memory. */
function target(next: () => number, hv: Hypervisor): number {
  const picks = [
    next(), next() % MEMORY, MEMORY + (next() % MEMORY), next() % HYPERVISOR_RESERVED,
    MMIO_BASE + (next() % 0x3000), hv.vms.length > 0 ? hv.vms[next() % hv.vms.length].base + (next() % MEMORY) : 0,
    0xfffffffc, 0x40000000 + (next() % 0x10000),
  ];
  return picks[next() % picks.length] >>> 0;
}

/** One hostile program as instruction words. */
function hostile(next: () => number, hv: Hypervisor, paravirtual: boolean, softwareTlb: boolean): Uint32Array {
  const words: number[] = [];
  if (next() % 4 !== 0) words.push(...li(5, HANDLER), I("csrw", 0, 5, CSR.TVEC));
  if (paravirtual && next() % 4 !== 0) {
    // SET_TRAP_TABLE(table, 1, frame): every cause to the skip handler
    words.push(...li(1, 0), ...li(2, TRAP_TABLE), ...li(3, 1), ...li(4, TRAP_TABLE + 16), R("hcall"));
  }
  for (let r = 1; r < 15; r++) words.push(...li(r, target(next, hv)));
  const kind = next() % 6;
  for (let i = 0; words.length < 0x700 / 4 && i < 200; i++) {
    const roll = next() % 10;
    if (kind === 0 || roll === 0) words.push(next()); // a random word
    else if (roll <= 3) {
      // a random real instruction with random operands
      const spec = INSTRUCTIONS[next() % INSTRUCTIONS.length];
      words.push(((spec.opcode << 24) | (next() & 0xffffff)) >>> 0);
    } else if (roll <= 5) words.push(S("sw", 1 + (next() % 14), 1 + (next() % 14), next())); // wild store
    else if (roll === 6) words.push(I("csrw", 0, 1 + (next() % 14), [CSR.PTBR, CSR.STATUS, CSR.TVEC, CSR.TIMER, CSR.ASID][next() % 5]));
    else if (roll === 7) words.push(...li(1, next() % 12), R(paravirtual ? "hcall" : "tlbflush"));
    else if (roll === 8 && softwareTlb) words.push(...tlbGames(next, hv));
    else if (roll === 8) words.push(...(next() % 2 === 0 ? pageTableTrick(next, hv) : pageTableGames(next, hv)));
    else words.push(R(["rett", "wfi", "pushf", "popf", "sptb", "tlbinv", "brk", "sys"][next() % 8], 1 + (next() % 14), 1 + (next() % 14)));
  }
  if (next() % 3 === 0) words.push(J("jal", 0, 0)); // an endless loop
  const image = new Uint32Array(MEMORY / 4);
  image.set(words.slice(0, HANDLER / 4));
  image.set(SKIP_HANDLER, HANDLER / 4);
  image.set([0, HANDLER], TRAP_TABLE / 4);
  return image;
}

/** A page directory at 0x1000 whose tables and frames point anywhere, then paging on. */
function pageTableTrick(next: () => number, hv: Hypervisor): number[] {
  return [
    ...li(6, 0x1000), ...li(7, (target(next, hv) & ~0xfff) | 0xf), S("sw", 6, 7, 4 * (next() % 1024)),
    ...li(8, 0x2000 | 1), S("sw", 6, 8, 0), ...li(7, (target(next, hv) & ~0xfff) | 0xf), ...li(9, 0x2000), S("sw", 9, 7, 4 * (next() % 1024)),
    I("csrw", 0, 6, CSR.PTBR), ...li(7, 0x12), I("csrw", 0, 7, CSR.STATUS),
  ];
}

/**
 * A kernel's page-table work, done by a hostile guest on its own tables
 * after paging is on: a directory at 0x3000 whose table at 0x4000 maps the
 * code page and itself (writable) at va 0x4000; then, through that
 * mapping, map a page anywhere, touch it, remap it elsewhere without
 * tlbinv, take away W and store, unmap it, tlbinv, and switch PTBR.
 */
function pageTableGames(next: () => number, hv: Hypervisor): number[] {
  const k = 5 + (next() % 1019);
  const va = k << 12;
  const frame = () => (target(next, hv) & ~0xfff) >>> 0;
  return [
    ...li(6, 0x3000), ...li(9, 0x4000), ...li(8, 0x4001), S("sw", 6, 8, 0),
    ...li(7, 0xf), S("sw", 9, 7, 0), ...li(7, 0x4003), S("sw", 9, 7, 16),
    I("csrw", 0, 6, CSR.PTBR), ...li(7, 0x12), I("csrw", 0, 7, CSR.STATUS),
    ...li(7, frame() | 0xf), S("sw", 9, 7, 4 * k), ...li(10, va), I("lw", 11, 10, 0), S("sw", 10, 11, 0), // map, touch
    ...li(7, frame() | 0xf), S("sw", 9, 7, 4 * k), I("lw", 11, 10, 0), S("sw", 10, 11, 4), // remap, no tlbinv
    ...li(7, frame() | 0x5), S("sw", 9, 7, 4 * k), S("sw", 10, 11, 8), // W taken away, then a store
    S("sw", 9, 0, 4 * k), I("lw", 11, 10, 0), R("tlbinv", 0, 10), // unmap
    ...li(7, (next() % 2 === 0 ? 0x1000 : frame()) >>> 0), I("csrw", 0, 7, CSR.PTBR), // another directory, or anything
  ];
}

/**
 * A software-TLB kernel's work, done by a hostile guest: write a TLB entry
 * mapping a random page (or one of kseg0) to a frame anywhere with any
 * flags, turn paging on or not, then load and store through it and
 * through kseg0 at an address anywhere.
 */
function tlbGames(next: () => number, hv: Hypervisor): number[] {
  const va = next() % 3 === 0 ? KSEG0_BASE + (target(next, hv) & 0x3ffff000) : target(next, hv) & ~0xfff;
  return [
    ...li(7, (va | (next() & 0xfff)) >>> 0), I("csrw", 0, 7, CSR.TLBHI),
    ...li(7, ((target(next, hv) & ~0xfff) | (next() & 0x7f)) >>> 0), I("csrw", 0, 7, CSR.TLBLO), R("tlbw"),
    ...(next() % 2 === 0 ? [...li(7, 0x12), I("csrw", 0, 7, CSR.STATUS)] : []),
    ...li(10, va), I("lw", 11, 10, 0), S("sw", 10, 11, 4),
    ...li(10, (KSEG0_BASE + (target(next, hv) & 0x3ffffffc)) >>> 0), I("lw", 11, 10, 0), S("sw", 10, 11, 0),
    ...(next() % 2 === 0 ? [R("tlbinv", 0, 10)] : [R("tlbflush")]),
  ];
}

/** Every entry of the real TLB maps a frame of `vm` (a software-tlb machine). */
function checkRealTlb(hv: Hypervisor, vm: Vm): void {
  for (const e of hv.host.tlb.entries()) {
    const ma = e.pfn * 4096;
    expect(ma >= vm.base && ma < vm.base + vm.memorySize, `VM ${vm.name}: real TLB maps machine 0x${ma.toString(16)}`).toBe(true);
  }
}

function bytesOf(words: Uint32Array): Uint8Array {
  return new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
}

function regionOf(hv: Hypervisor, vm: Vm): Uint8Array {
  return hv.memory.bytes.slice(vm.base, vm.base + vm.memorySize);
}

/** Every shadow and nested entry of every live VM maps a page of that VM (shadows through a table of its pool). */
function checkShadows(hv: Hypervisor): void {
  for (const vm of hv.vms) {
    if (vm.state === "destroyed" || hv.softwareTlb) continue;
    const shadow = hv.shadow(vm);
    for (const m of shadow.mappings()) {
      expect(m.machine >= vm.base && m.machine < vm.base + vm.memorySize, `VM ${vm.name} maps machine 0x${m.machine.toString(16)}`).toBe(true);
      expect(shadow.inPool(m.table)).toBe(true);
    }
    if (!hv.nestedPaging) continue;
    for (const m of hv.nestedTable(vm).mappings()) {
      expect(m.gpa < vm.memorySize && m.machine === vm.base + m.gpa, `VM ${vm.name} nests gpa 0x${m.gpa.toString(16)} at 0x${m.machine.toString(16)}`).toBe(true);
    }
  }
}

const KERNEL_OPTIONS = { programs: ["hello", "compute"], timerInterval: 0 };
const KERNEL_IMAGE = buildKernelImage(KERNEL_OPTIONS);
const SWTLB_KERNEL_IMAGE = buildKernelImage({ ...KERNEL_OPTIONS, platform: "software-tlb" });

function batch(technique: Technique, seed: number, hostiles: number, paravirtual: boolean, expected: string, virtualizable = false, paging?: HardwarePaging, mmu?: MmuKind): number {
  const next = prng(seed);
  const hv = new Hypervisor({ technique, virtualizable, sliceCycles: 3_000, paging, mmu });
  hv.memory.bytes.fill(0xa5, 0, HYPERVISOR_RESERVED);
  const softwareTlb = mmu === "software-tlb";
  const k = softwareTlb ? SWTLB_KERNEL_IMAGE : KERNEL_IMAGE;
  // The real TLB holds the running VM's entries only (a world switch flushes it): check them at every switch.
  let running: Vm | undefined;
  if (softwareTlb) hv.onWorldSwitch = (vm) => { if (running) checkRealTlb(hv, running); running = vm; };
  const good = hv.createVm({ name: "good", memorySize: k.memoryBytes, image: k.image });
  hv.start(good);
  const canaries: { vm: Vm; bytes: Uint8Array }[] = [];
  const bad: Vm[] = [];
  for (let i = 0; i < hostiles; i++) {
    const image = hostile(next, hv, paravirtual, softwareTlb);
    const vm = hv.createVm({ name: `hostile-${seed}-${i}`, memorySize: MEMORY, image: bytesOf(image), cycleBudget: 20_000, paravirtual });
    hv.start(vm);
    bad.push(vm);
    const canary = hv.createVm({ name: `canary-${i}`, memorySize: 4096, image: bytesOf(new Uint32Array(1024).fill(next())) });
    canaries.push({ vm: canary, bytes: regionOf(hv, canary) });
  }
  const reserved = hv.memory.bytes.slice(0, HYPERVISOR_RESERVED);
  let report = hv.run({ maxCycles: 400_000_000 });
  checkShadows(hv);
  if (running) checkRealTlb(hv, running);
  expect(report.allEnded || bad.every((v) => v.ended)).toBe(true);
  for (const vm of bad) expect(["halted", "terminated", "out-of-budget"]).toContain(vm.state);
  if (process.env.VMLAB_ISOLATION_STATS) {
    const count = (f: (v: Vm) => boolean) => bad.filter(f).length;
    console.log(technique, seed, {
      halted: count((v) => v.state === "halted"), terminated: count((v) => v.state === "terminated"),
      outOfBudget: count((v) => v.state === "out-of-budget"),
      traps: bad.reduce((n, v) => n + v.stats.traps, 0), hidden: bad.reduce((n, v) => n + v.stats.hiddenFaults, 0),
      reflected: bad.reduce((n, v) => n + v.stats.reflected, 0), hypercalls: bad.reduce((n, v) => n + v.stats.hypercalls, 0),
      consoleBytes: bad.reduce((n, v) => n + v.console.length, 0),
    });
  }
  for (const c of canaries) {
    expect(regionOf(hv, c.vm)).toEqual(c.bytes);
    if (!softwareTlb) expect(hv.shadow(c.vm).mappings()).toEqual([]); // nobody wrote its shadow tables either
    if (hv.nestedPaging) expect(hv.nestedTable(c.vm).mappings()).toEqual([]); // nor its nested table
  }
  expect(hv.memory.bytes.slice(0, HYPERVISOR_RESERVED)).toEqual(reserved);
  if (!good.ended) report = hv.run({ maxCycles: 400_000_000 });
  expect(good.state).toBe("halted");
  expect(good.console).toBe(expected);
  return bad.length;
}

describe("isolation under random and hostile guests", () => {
  const expected = (() => {
    const m = bootKernel({ ...KERNEL_OPTIONS, timerInterval: 0 });
    m.run();
    return m.console.output;
  })();

  // Each batch: one well-behaved kernel VM, 40 hostile VMs, a canary VM beside each.
  const plans: [Technique, boolean, boolean, HardwarePaging?, MmuKind?][] = [
    ["trap-and-emulate", false, false],
    ["trap-and-emulate", false, true],
    ["binary-translation", false, false],
    ["hardware-assist", false, false],
    ["hardware-assist", false, false, "shadow"],
    ["trap-and-emulate", true, false],
    ["trap-and-emulate", false, false, undefined, "software-tlb"],
  ];
  for (const [technique, paravirtual, virtualizable, paging, mmu] of plans) {
    const label = `${technique}${paging ? ` (${paging} paging)` : ""}${paravirtual ? ", paravirtual guests" : ""}${virtualizable ? ", virtualizable machine" : ""}${mmu ? `, ${mmu} machine (Disco)` : ""}`;
    it(`${label}: 400 hostile guests in batches of 40 change nothing of anyone else's`, () => {
      let total = 0;
      for (let seed = 1; seed <= 10; seed++) total += batch(technique, seed * 7919 + (paravirtual ? 1 : 0), 40, paravirtual, expected, virtualizable, paging, mmu);
      expect(total).toBe(400);
    }, 300_000); // ~10 s on an idle machine; the two cores are shared
  }
});
