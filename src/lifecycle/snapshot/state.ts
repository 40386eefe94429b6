/**
 * What a snapshot holds, as types and as the shapes its JSON is checked
 * against (shape.ts), and the whole file's encoding (format.ts sections):
 *
 *   Snapshot
 *   +-- state (section "STAT", JSON)
 *   |     kind "machine": machine options, CPU (registers, CSRs, clock,
 *   |                     pending interrupts, timer), TLB, console, disk,
 *   |                     NIC (requests in flight at absolute cycles)
 *   |     kind "vm":      the VM's configuration and lifecycle state, its
 *   |                     VCPU (virtual CSRs, virtual clock and timer),
 *   |                     console and disk; the technique it ran under
 *   |     diskImage:      where the disk's sectors are: "memory" (section
 *   |                     "DISK") or a qcow2 overlay file
 *   +-- memory (section "MEM ", pages.ts)
 *   +-- disk   (section "DISK", only for diskImage "memory")
 */
import type { ConsoleState } from "../../machine/devices/console";
import type { DiskState } from "../../machine/devices/disk";
import type { NicState } from "../../machine/devices/nic";
import type { TlbState } from "../../machine/tlb";
import type { DerivedState } from "../../hypervisor/derived-state";
import { decodeSections, encodeSections, section, SnapshotError } from "./format";
import { decodePages, encodePages } from "./pages";
import { check, list, nullable, object, optional, type Shape } from "./shape";

/** Where the disk's sectors are: in the snapshot, or a qcow2 overlay whose backing file is the disk as it was at the suspend. */
export type DiskImageRef =
  | { readonly kind: "memory" }
  | { readonly kind: "qcow2"; readonly file: string; readonly frozen: string };

export interface CpuRegisters {
  readonly regs: number[];
  readonly pc: number;
  readonly csr: number[];
  readonly cycles: number;
  readonly instructions: number;
  /** Pending interrupts, bit (cause - 16). */
  readonly pending: number;
  /** Cycle the timer fires next, null when TIMER is off. */
  readonly timerNext: number | null;
  /** Instruction count at the last trap delivery (the triple-fault rule), null for none. */
  readonly deliveredAt: number | null;
}

export interface MachineState {
  readonly kind: "machine";
  readonly machine: { readonly memoryBytes: number; readonly virtualizable: boolean; readonly hypercalls: boolean; readonly mmu: string; readonly tlbEntries: number };
  readonly cpu: CpuRegisters;
  readonly tlb: TlbState;
  readonly console: ConsoleState;
  readonly disk: DiskState;
  readonly nic: NicState;
  readonly diskImage: DiskImageRef;
}

export interface VmSavedState {
  readonly kind: "vm";
  readonly technique: string;
  readonly vm: {
    readonly name: string;
    readonly memorySize: number;
    readonly paravirtual: boolean;
    readonly cycleBudget: number | null;
    readonly state: string;
    readonly exitCode: number | null;
    readonly reason: string;
    readonly trapTable: number[][];
    readonly trapFrame: number;
    readonly stats: Record<string, number>;
    readonly exits: Record<string, number>;
    readonly exitControls: Record<string, number | boolean> | null;
  };
  readonly vcpu: CpuRegisters;
  /** What the hypervisor derived, in guest terms (absent in files of earlier vmlabs: then it starts cold). */
  readonly derived?: DerivedState;
  readonly console: ConsoleState;
  readonly disk: DiskState;
  readonly diskImage: DiskImageRef;
}

export type SavedState = MachineState | VmSavedState;

export interface Snapshot {
  readonly state: SavedState;
  /** The guest's (or the machine's) memory. */
  readonly memory: Uint8Array;
  /** The disk's sectors, when diskImage is "memory". */
  readonly disk?: Uint8Array;
}

const CPU: Shape = object({
  regs: list("i32", 16), pc: "u32", csr: list("u32", 12), cycles: "count", instructions: "count",
  pending: "u32", timerNext: nullable("count"), deliveredAt: nullable("number"),
});
const TLB: Shape = object({ vpn: list("i32"), asid: list("i32"), pfn: list("i32"), flags: list("i32"), valid: list("byte"), nextVictim: "count" });
const ROWS: Shape = list(list("i32"));
const DERIVED: Shape = object({
  mode: "string", realTlb: nullable(TLB), nestedTlb: nullable(TLB),
  shadow: nullable(object({ contexts: list(object({ key: "i32", dirs: ROWS, leaves: ROWS })), current: "i32", writes: ROWS })),
  nested: nullable(object({ entries: ROWS })),
  softwareTlb: nullable(object({ tlb: TLB, l2: nullable(TLB), asids: ROWS, missPending: "bool", lastWriteInstalled: "bool" })), code: nullable(list(list("u32", 2))),
});
const CONSOLE: Shape = object({ output: "string", pendingBytes: list("byte"), input: list("byte"), interruptOnInput: "bool" });
const DISK: Shape = object({
  regs: list("u32", 6),
  request: nullable(object({ kind: "u32", sector: "u32", count: "u32", address: "u32", at: "count" })),
});
const NIC: Shape = object({
  regs: list("u32", 9), status: "u32", queue: list(list("byte")),
  transmit: nullable(object({ frame: list("byte"), at: "count" })), receiveAt: nullable("count"),
});
const MACHINE: Shape = object({
  machine: object({ memoryBytes: "count", virtualizable: "bool", hypercalls: "bool", mmu: "string", tlbEntries: "count" }),
  cpu: CPU, tlb: TLB, console: CONSOLE, disk: DISK, nic: NIC,
});
const VM: Shape = object({
  technique: "string",
  vm: object({
    name: "string", memorySize: "count", paravirtual: "bool", cycleBudget: nullable("count"), state: "string",
    exitCode: nullable("i32"), reason: "string", trapTable: list(list("u32", 2)), trapFrame: "number",
  }),
  vcpu: CPU, derived: optional(DERIVED), console: CONSOLE, disk: DISK,
});

export function encodeSnapshot(snapshot: Snapshot): Uint8Array {
  const sections = [
    { tag: "STAT", payload: Buffer.from(JSON.stringify(snapshot.state), "utf8") },
    { tag: "MEM ", payload: encodePages(snapshot.memory) },
  ];
  if (snapshot.state.diskImage.kind === "memory") sections.push({ tag: "DISK", payload: encodePages(snapshot.disk ?? new Uint8Array(0)) });
  return encodeSections(sections);
}

/** A snapshot file's contents, checked: layout and checksum (format.ts), then every field of the state. */
export function decodeSnapshot(bytes: Uint8Array, file: string): Snapshot {
  const sections = decodeSections(bytes, file);
  const stat = section(sections, "STAT", file);
  const where = { file, offset: stat.offset, section: "STAT" };
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(stat.payload).toString("utf8"));
  } catch (e) {
    throw new SnapshotError(file, stat.offset, `section "STAT" is not JSON (${(e as Error).message})`);
  }
  check(state, object({ kind: "string", diskImage: object({ kind: "string" }) }), "state", where);
  const s = state as SavedState;
  if (s.kind !== "machine" && s.kind !== "vm") throw new SnapshotError(file, stat.offset, `section "STAT": state.kind "${String((state as { kind: unknown }).kind)}" is neither "machine" nor "vm"`);
  check(s, s.kind === "machine" ? MACHINE : VM, "state", where);
  if (s.kind === "vm") {
    for (const [name, value] of Object.entries({ ...(state as VmSavedState).vm.stats, ...(state as VmSavedState).vm.exits })) check(value, "count", `state.vm.stats.${name}`, where);
  }
  const ref = s.diskImage;
  if (ref.kind === "qcow2") check(ref, object({ file: "string", frozen: "string" }), "state.diskImage", where);
  else if (ref.kind !== "memory") throw new SnapshotError(file, stat.offset, `section "STAT": state.diskImage.kind "${String((ref as { kind: unknown }).kind)}" is neither "memory" nor "qcow2"`);
  const memoryBytes = s.kind === "machine" ? s.machine.memoryBytes : s.vm.memorySize;
  const memory = decodePages(section(sections, "MEM ", file), file, memoryBytes);
  const disk = ref.kind === "memory" ? decodePages(section(sections, "DISK", file), file) : undefined;
  return { state: s, memory, disk };
}
