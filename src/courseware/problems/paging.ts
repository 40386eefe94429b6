/**
 * Two-level address translation on toy32 (ISA.md, "Memory management"),
 * in the manner of OSTEP's paging-multilevel-translate.py: a page
 * directory and a few page tables in hex, and virtual addresses to
 * translate or to name the fault of.
 *
 *    31        22 21        12 11            0
 *   +------------+------------+---------------+
 *   | dir index  | table index|    offset     |   virtual address
 *   +------------+------------+---------------+
 *
 *    31                    12 11   7 6 5 4 3 2 1 0
 *   +------------------------+------+-+-+-+-+-+-+-+
 *   |     frame number       |      |D|A| |X|U|W|V|   PDE / PTE
 *   +------------------------+------+-+-+-+-+-+-+-+
 *
 * The walk: PDE at PTBR + 4*dir; if not V, fault. PTE at (PDE frame << 12)
 * + 4*table; if not V, fault. A user access needs U; a store needs W
 * (permissions come from the leaf PTE alone). A fault is PAGE_FAULT_LOAD
 * or PAGE_FAULT_STORE with BADVA = the address.
 */
import { CAUSE, PAGE_SHIFT, PTE } from "../../machine/isa";
import { hex, Prng } from "../../prng";
import { checkSeed, type Problem } from "./problem";

export type Access = "load" | "store";

export interface TableEntry {
  index: number;
  /** Physical address of the entry. */
  address: number;
  value: number;
}

export interface PagingData {
  ptbr: number;
  directory: TableEntry[];
  tables: { frame: number; entries: TableEntry[] }[];
  accesses: { va: number; access: Access }[];
}

export interface Translation {
  va: number;
  access: Access;
  dirIndex: number;
  tableIndex: number;
  offset: number;
  pde: number;
  pte: number | null;
  /** The physical address, or null when the access faults. */
  pa: number | null;
  fault: { cause: number; causeName: "PAGE_FAULT_LOAD" | "PAGE_FAULT_STORE"; reason: string } | null;
}

export interface PagingOptions {
  /** How many addresses to translate (default 6). */
  count?: number;
}

const FRAME_MASK = 0xfffff000;
/** Frames of a 16 MiB machine, above the first 64 KiB the kernel image uses. */
const FIRST_FRAME = 0x010, LAST_FRAME = 0xfff;

/** The entry at `index`, or 0 where nothing is stored (memory reads zero). */
function entryAt(entries: readonly TableEntry[], index: number): number {
  return entries.find((e) => e.index === index)?.value ?? 0;
}

/** toy32's walk for one user-mode access, every step recorded. */
export function walkTwoLevel(data: PagingData, va: number, access: Access): Translation {
  const dirIndex = va >>> 22, tableIndex = (va >>> PAGE_SHIFT) & 0x3ff, offset = va & 0xfff;
  const base = { va, access, dirIndex, tableIndex, offset };
  const fault = (reason: string): Translation["fault"] =>
    access === "store"
      ? { cause: CAUSE.PAGE_FAULT_STORE, causeName: "PAGE_FAULT_STORE", reason }
      : { cause: CAUSE.PAGE_FAULT_LOAD, causeName: "PAGE_FAULT_LOAD", reason };
  const pde = entryAt(data.directory, dirIndex);
  if (!(pde & PTE.V)) return { ...base, pde, pte: null, pa: null, fault: fault("the directory entry is not valid") };
  const table = data.tables.find((t) => t.frame === (pde & FRAME_MASK) >>> PAGE_SHIFT);
  const pte = table ? entryAt(table.entries, tableIndex) : 0;
  const problem = !(pte & PTE.V)
    ? "the page-table entry is not valid"
    : !(pte & PTE.U)
      ? "the page is not user-accessible (U = 0)"
      : access === "store" && !(pte & PTE.W)
        ? "the page is not writable (W = 0)"
        : undefined;
  if (problem) return { ...base, pde, pte, pa: null, fault: fault(problem) };
  return { ...base, pde, pte, pa: ((pte & FRAME_MASK) | offset) >>> 0, fault: null };
}

/** A seeded two-level translation problem. */
export function pagingProblem(seed: number, options: PagingOptions = {}): Problem<PagingData, Translation[]> {
  const rng = new Prng(checkSeed(seed));
  const count = options.count ?? 6;
  const data = buildTables(rng);
  data.accesses = pickAccesses(rng, data, count);
  const answers = data.accesses.map((a) => walkTwoLevel(data, a.va, a.access));
  return {
    kind: "paging",
    seed,
    title: "Two-level address translation (toy32: 10-bit directory, 10-bit table, 12-bit offset)",
    question: render(data, answers, false),
    solution: render(data, answers, true),
    data,
    answers,
  };
}

function buildTables(rng: Prng): PagingData {
  const frames = rng.distinct(13, FIRST_FRAME, LAST_FRAME);
  const dirFrame = frames.pop() as number;
  const ptbr = dirFrame << PAGE_SHIFT;
  const dirIndexes = rng.distinct(rng.int(2, 3), 0, 0x3ff).sort((a, b) => a - b);
  const directory: TableEntry[] = [];
  const tables: PagingData["tables"] = [];
  for (const index of dirIndexes) {
    const frame = frames.pop() as number;
    directory.push({ index, address: ptbr + 4 * index, value: ((frame << PAGE_SHIFT) | PTE.V) >>> 0 });
    const entries = rng
      .distinct(rng.int(2, 3), 0, 0x3ff)
      .sort((a, b) => a - b)
      .map((i) => ({ index: i, address: (frame << PAGE_SHIFT) + 4 * i, value: leafEntry(rng, frames.pop() as number) }));
    tables.push({ frame, entries });
  }
  return { ptbr, directory, tables, accesses: [] };
}

/** A leaf PTE: usually valid and user-accessible, sometimes not. */
function leafEntry(rng: Prng, frame: number): number {
  let flags = PTE.V | PTE.A;
  if (rng.chance(0.85)) flags |= PTE.U;
  if (rng.chance(0.6)) flags |= PTE.W | (rng.chance(0.5) ? PTE.D : 0);
  if (rng.chance(0.3)) flags |= PTE.X;
  if (rng.chance(0.15)) flags &= ~PTE.V; // paged out: the frame is stale
  return ((frame << PAGE_SHIFT) | flags) >>> 0;
}

/**
 * Half the addresses fall in listed pages (which may still fault on U, W
 * or a stale PTE), a quarter under a valid directory entry but an empty
 * PTE, a quarter under an empty directory entry; shuffled.
 */
function pickAccesses(rng: Prng, data: PagingData, count: number): PagingData["accesses"] {
  const kinds: ("mapped" | "no-pte" | "no-pde")[] = [];
  for (let i = 0; i < count; i++) kinds.push(i < Math.ceil(count / 2) ? "mapped" : i % 2 === 0 ? "no-pte" : "no-pde");
  const usedDirs = new Set(data.directory.map((e) => e.index));
  return rng.shuffle(kinds).map((kind) => {
    const which = rng.int(0, data.directory.length - 1);
    const table = data.tables[which];
    let dir = data.directory[which].index;
    let tab = rng.pick(table.entries).index;
    if (kind === "no-pte") tab = unused(rng, new Set(table.entries.map((e) => e.index)));
    if (kind === "no-pde") dir = unused(rng, usedDirs);
    const va = ((dir << 22) | (tab << PAGE_SHIFT) | rng.int(0, 0xfff)) >>> 0;
    return { va, access: rng.chance(0.35) ? "store" : "load" };
  });
}

/** A 10-bit index not in `taken`. */
function unused(rng: Prng, taken: ReadonlySet<number>): number {
  let i: number;
  do i = rng.int(0, 0x3ff);
  while (taken.has(i));
  return i;
}

function flagNames(entry: number): string {
  const names = (Object.keys(PTE) as (keyof typeof PTE)[]).filter((k) => entry & PTE[k]);
  return names.length ? names.join(" ") : "none";
}

function render(data: PagingData, answers: readonly Translation[], withAnswers: boolean): string {
  const lines = [
    "VA = dir[31:22] | table[21:12] | offset[11:0]",
    "PDE/PTE = frame[31:12] | D(6) A(5) X(3) U(2) W(1) V(0)",
    `PTBR = ${hex(data.ptbr)} (the page directory is frame ${hex(data.ptbr >>> PAGE_SHIFT, 3)})`,
    "",
    "Page directory (entries not listed are 0):",
    ...data.directory.map((e) => `  [${hex(e.index, 3)}] at ${hex(e.address)}: ${hex(e.value)}`),
  ];
  for (const t of data.tables) {
    lines.push(`Page table in frame ${hex(t.frame, 3)} (entries not listed are 0):`);
    lines.push(...t.entries.map((e) => `  [${hex(e.index, 3)}] at ${hex(e.address)}: ${hex(e.value)}  (${flagNames(e.value)})`));
  }
  lines.push("", "Each access comes from user mode. Give the physical address, or the fault (cause and why):");
  for (const a of answers) lines.push(`  ${a.access.padEnd(5)} ${hex(a.va)} -> ${withAnswers ? explain(a) : "?"}`);
  return lines.join("\n");
}

function explain(t: Translation): string {
  const walk = `dir ${hex(t.dirIndex, 3)}, table ${hex(t.tableIndex, 3)}, offset ${hex(t.offset, 3)}; PDE ${hex(t.pde)}`;
  const leaf = t.pte === null ? "" : `, PTE ${hex(t.pte)}`;
  if (t.fault) return `${walk}${leaf}: ${t.fault.causeName} (cause ${t.fault.cause}, BADVA ${hex(t.va)}): ${t.fault.reason}`;
  return `${walk}${leaf}: PA ${hex(t.pa as number)}`;
}
