/**
 * The two-dimensional page walk of nested paging (Bhargava et al. 2008,
 * figure 2; chapter 04): a guest's two-level table in guest-physical
 * memory, the VM's nested table in machine memory (the same 10/10/12
 * format, ISA.md), and guest-virtual addresses. The student lists every
 * memory reference the MMU makes on a cold TLB miss (with an empty nested
 * TLB): which table, the machine address read and the word found there,
 * then the machine address the access reaches, or the fault.
 *
 *   gPTBR + 4*dir   --nested dir, nested table-->  read guest PDE   (refs 1-3)
 *   PDE frame + 4*t --nested dir, nested table-->  read guest PTE   (refs 4-6)
 *   PTE frame | off --nested dir, nested table-->  machine address  (refs 7-8)
 *
 * A guest entry without V is the guest's page fault (delivered to the
 * guest kernel); a nested entry without V is a nested fault (an EPT
 * violation exit to the hypervisor), naming the guest-physical address.
 */
import { PAGE_SHIFT, PTE } from "../../machine/isa";
import { hex, Prng } from "../../prng";
import { checkSeed, type Problem } from "./problem";

export interface Entry {
  index: number;
  /** Where the entry lives: a guest-physical address for guest tables, machine for nested ones. */
  address: number;
  value: number;
}

export interface NestedData {
  /** The guest's PTBR (guest-physical). */
  guestPtbr: number;
  guestDirectory: Entry[];
  /** Guest page tables, by guest-physical frame. */
  guestTables: { frame: number; entries: Entry[] }[];
  /** The nested table's root (machine). */
  nestedRoot: number;
  nestedDirectory: Entry[];
  nestedTables: { frame: number; entries: Entry[] }[];
  /** Guest-virtual addresses to translate (loads in guest kernel mode). */
  addresses: number[];
}

export interface WalkStep {
  /** 1-based position in the walk. */
  step: number;
  /** Which table's entry this reference reads. */
  table: "nested directory" | "nested table" | "guest directory" | "guest table";
  /** The guest-physical address being translated (nested steps) or read (guest steps). */
  gpa: number;
  /** The machine address read. */
  machine: number;
  /** The word found there. */
  value: number;
}

export interface NestedWalk {
  va: number;
  steps: WalkStep[];
  /** The machine address reached, or null on a fault. */
  machine: number | null;
  fault: { kind: "guest page fault" | "nested fault"; gpa: number | null; reason: string } | null;
}

const FRAME = 0xfffff000;

function entryAt(entries: readonly Entry[], index: number): number {
  return entries.find((e) => e.index === index)?.value ?? 0;
}

/** The 2D walk of `va` over `data`, every reference recorded (src/machine/nested-walk.ts's order). */
export function walkNested(data: NestedData, va: number): NestedWalk {
  const steps: WalkStep[] = [];
  const nested = (gpa: number): number | null => {
    const dirIndex = gpa >>> 22;
    const nde = entryAt(data.nestedDirectory, dirIndex);
    steps.push({ step: steps.length + 1, table: "nested directory", gpa, machine: data.nestedRoot + 4 * dirIndex, value: nde });
    if (!(nde & PTE.V)) return null;
    const frame = (nde & FRAME) >>> PAGE_SHIFT;
    const t = (gpa >>> PAGE_SHIFT) & 0x3ff;
    const nte = entryAt(data.nestedTables.find((x) => x.frame === frame)?.entries ?? [], t);
    steps.push({ step: steps.length + 1, table: "nested table", gpa, machine: ((frame << PAGE_SHIFT) + 4 * t) >>> 0, value: nte });
    if (!(nte & PTE.V)) return null;
    return ((nte & FRAME) | (gpa & 0xfff)) >>> 0;
  };
  const nestedFault = (gpa: number): NestedWalk => ({ va, steps, machine: null, fault: { kind: "nested fault", gpa, reason: `guest-physical ${hex(gpa)} has no valid nested entry` } });
  const guestRead = (table: "guest directory" | "guest table", gpa: number, entries: readonly Entry[], index: number): number | NestedWalk => {
    const ma = nested(gpa);
    if (ma === null) return nestedFault(gpa);
    const value = entryAt(entries, index);
    steps.push({ step: steps.length + 1, table, gpa, machine: ma, value });
    return value;
  };
  const dirIndex = va >>> 22, tableIndex = (va >>> PAGE_SHIFT) & 0x3ff;
  const pde = guestRead("guest directory", data.guestPtbr + 4 * dirIndex, data.guestDirectory, dirIndex);
  if (typeof pde !== "number") return pde;
  if (!(pde & PTE.V)) return { va, steps, machine: null, fault: { kind: "guest page fault", gpa: null, reason: "the guest's directory entry is not valid" } };
  const tableFrame = (pde & FRAME) >>> PAGE_SHIFT;
  const entries = data.guestTables.find((t) => t.frame === tableFrame)?.entries ?? [];
  const pte = guestRead("guest table", ((tableFrame << PAGE_SHIFT) + 4 * tableIndex) >>> 0, entries, tableIndex);
  if (typeof pte !== "number") return pte;
  if (!(pte & PTE.V)) return { va, steps, machine: null, fault: { kind: "guest page fault", gpa: null, reason: "the guest's page-table entry is not valid" } };
  const gpa = ((pte & FRAME) | (va & 0xfff)) >>> 0;
  const ma = nested(gpa);
  if (ma === null) return nestedFault(gpa);
  return { va, steps, machine: ma, fault: null };
}

export interface NestedOptions {
  /** Addresses to translate (default 2). */
  count?: number;
}

/** A seeded nested-paging problem. */
export function nestedProblem(seed: number, options: NestedOptions = {}): Problem<NestedData, NestedWalk[]> {
  const rng = new Prng(checkSeed(seed));
  const data = buildTables(rng);
  const count = options.count ?? 2;
  for (let i = 0; i < count; i++) data.addresses.push(pickAddress(rng, data, i));
  const answers = data.addresses.map((va) => walkNested(data, va));
  return {
    kind: "nested",
    seed,
    title: "Nested paging: every reference of a two-dimensional walk (2-level guest table over a 2-level nested table)",
    question: render(data, answers, false),
    solution: render(data, answers, true),
    data,
    answers,
  };
}

/** A 1 MiB guest (guest frames 0x000-0x0ff) whose frames the nested table scatters over a 16 MiB machine. */
function buildTables(rng: Prng): NestedData {
  const guestFrames = rng.distinct(8, 0x001, 0x0ff);
  const guestDirFrame = guestFrames.pop() as number;
  const guestPtbr = guestDirFrame << PAGE_SHIFT;
  const dirIndexes = rng.distinct(2, 0, 0x3ff).sort((a, b) => a - b);
  const guestDirectory: Entry[] = [];
  const guestTables: NestedData["guestTables"] = [];
  for (const index of dirIndexes) {
    const frame = guestFrames.pop() as number;
    guestDirectory.push({ index, address: guestPtbr + 4 * index, value: ((frame << PAGE_SHIFT) | PTE.V) >>> 0 });
    const entries = rng.distinct(2, 0, 0x3ff).sort((a, b) => a - b).map((i) => {
      const flags = rng.chance(0.9) ? PTE.V | PTE.W | PTE.A : PTE.A;
      return { index: i, address: (frame << PAGE_SHIFT) + 4 * i, value: (((guestFrames.pop() as number) << PAGE_SHIFT) | flags) >>> 0 };
    });
    guestTables.push({ frame, entries });
  }
  // The nested table: every guest frame named above, mapped, but now and then one data frame left out.
  const machineFrames = rng.distinct(12, 0x100, 0xfff);
  const nestedRootFrame = machineFrames.pop() as number;
  const nestedTableFrame = machineFrames.pop() as number;
  const nestedRoot = nestedRootFrame << PAGE_SHIFT;
  const nestedDirectory: Entry[] = [{ index: 0, address: nestedRoot, value: ((nestedTableFrame << PAGE_SHIFT) | PTE.V) >>> 0 }];
  const named = [guestDirFrame, ...guestTables.map((t) => t.frame)];
  const data = guestTables.flatMap((t) => t.entries.map((e) => e.value >>> PAGE_SHIFT));
  const mapped = [...named, ...data.filter(() => rng.chance(0.85))];
  const nestedEntries = mapped.sort((a, b) => a - b).map((g) => ({
    index: g, address: (nestedTableFrame << PAGE_SHIFT) + 4 * g, value: (((machineFrames.pop() as number) << PAGE_SHIFT) | PTE.V | PTE.W | PTE.X) >>> 0,
  }));
  return {
    guestPtbr, guestDirectory, guestTables, nestedRoot, nestedDirectory,
    nestedTables: [{ frame: nestedTableFrame, entries: nestedEntries }], addresses: [],
  };
}

/** Mostly addresses the guest maps; one in four under a PTE or directory entry it lacks. */
function pickAddress(rng: Prng, data: NestedData, i: number): number {
  const which = rng.int(0, data.guestDirectory.length - 1);
  const dir = data.guestDirectory[which].index;
  const taken = new Set(data.guestTables[which].entries.map((e) => e.index));
  let table = rng.pick(data.guestTables[which].entries).index;
  if (i > 0 && rng.chance(0.25)) {
    do table = rng.int(0, 0x3ff);
    while (taken.has(table));
  }
  return ((dir << 22) | (table << PAGE_SHIFT) | rng.int(0, 0xfff)) >>> 0;
}

function listEntries(title: string, entries: readonly Entry[]): string[] {
  return [title, ...entries.map((e) => `  [${hex(e.index, 3)}] at ${hex(e.address)}: ${hex(e.value)}`)];
}

function render(data: NestedData, answers: readonly NestedWalk[], withAnswers: boolean): string {
  const lines = [
    "Guest-virtual and guest-physical addresses split as dir[31:22] | table[21:12] | offset[11:0];",
    "every entry (guest or nested) is frame[31:12] | D(6) A(5) X(3) U(2) W(1) V(0).",
    "Entries not listed are 0.",
    `Guest PTBR = ${hex(data.guestPtbr)} (guest-physical); nested root = ${hex(data.nestedRoot)} (machine)`,
    "",
    ...listEntries("Guest page directory (guest-physical addresses):", data.guestDirectory),
  ];
  for (const t of data.guestTables) lines.push(...listEntries(`Guest page table in guest frame ${hex(t.frame, 3)}:`, t.entries));
  lines.push(...listEntries("Nested directory (machine addresses):", data.nestedDirectory));
  for (const t of data.nestedTables) lines.push(...listEntries(`Nested table in machine frame ${hex(t.frame, 3)}:`, t.entries));
  lines.push("", "The TLB and the nested TLB are empty. For each load, list every memory reference of the walk",
    "(the table, the machine address read, the word there), then the machine address or the fault:");
  for (const a of answers) {
    lines.push(`  load ${hex(a.va)}:${withAnswers ? "" : " ?"}`);
    if (!withAnswers) continue;
    for (const s of a.steps) lines.push(`    ${String(s.step).padStart(2)}. ${s.table.padEnd(16)} for gpa ${hex(s.gpa)}: read ${hex(s.machine)} = ${hex(s.value)}`);
    lines.push(a.fault ? `    -> ${a.fault.kind}${a.fault.gpa === null ? "" : ` at gpa ${hex(a.fault.gpa)}`}: ${a.fault.reason}` : `    -> machine ${hex(a.machine as number)} (${a.steps.length} references)`);
  }
  return lines.join("\n");
}
