/**
 * What each process of the toy32 kernel sees of its namespaces and where
 * its resource group stands, read from guest-physical memory the way
 * readProcessTable reads the process table: knowing only the kernel's
 * symbols and the layouts its ns-*.s files draw.
 *
 *   const m = bootKernel({ programs: [...] });
 *   m.run();
 *   namespaceView(m);   // [{ pid: 2, pidInside: 1, hostname: "web1", uid: 0, ... }, ...]
 *   groupView(m);       // [{ group: 1, pidsMax: 4, pidsCurrent: 4 }]
 *
 * Per-process record (ns_procs, src/guests/kernel/ns-syscall.s), one per
 * process-table slot:
 *
 *   +0 PIDNS  +4 VPID  +8 CHILDNS  +12 UTSNS  +16 USERNS  +20 UID  +24 OUTUID  +28 CGROUP
 */
import { UserError } from "../errors";
import { BOOT_LAYOUT, PROC_LAYOUT, bootedImage, readProcessTable, type KernelImage, type ProcessState } from "../guests";
import type { Machine } from "../machine/machine";

/** The layouts of ns-syscall.s, ns-pid.s, ns-uts.s and ns-cgroup.s (their .equ of the same names). */
export const NAMESPACE_LAYOUT = {
  NSP_PIDNS: 0,
  NSP_VPID: 4,
  NSP_UTSNS: 12,
  NSP_USERNS: 16,
  NSP_UID: 20,
  NSP_OUTUID: 24,
  NSP_CGROUP: 28,
  NSP_SIZE: 32,
  PIDNS_SIZE: 16,
  UTS_NAME: 4,
  HOSTNAME_MAX: 15,
  CG_USED: 0,
  CG_PIDS_MAX: 4,
  CG_SIZE: 8,
  NCGROUPS: 8,
} as const;
const L = NAMESPACE_LAYOUT;

export interface NamespaceEntry {
  /** The real pid: what the root pid namespace sees. */
  readonly pid: number;
  readonly name: string;
  readonly state: ProcessState;
  /** Its pid namespace: 0 for the root one, else 1, 2, ... (the kernel's table order). */
  readonly pidNamespace: number;
  /** Its pid as processes in its own pid namespace see it. */
  readonly pidInside: number;
  /**
   * The hostname of its uts namespace. For a process that has exited this
   * is the record's name now: the kernel reuses a uts record once no live
   * process is in it.
   */
  readonly hostname: string;
  /** Its user namespace: 0 for the root one, else the kernel's number for it. */
  readonly userNamespace: number;
  /** Its uid inside its user namespace, and the same uid as the root user namespace sees it. */
  readonly uid: number;
  readonly outsideUid: number;
  /** Its resource group: 0 for the root group. */
  readonly group: number;
}

export interface GroupEntry {
  readonly group: number;
  /** pids.max; 0 means "max", no limit. */
  readonly pidsMax: number;
  /** Live processes in the group now. */
  readonly pidsCurrent: number;
}

type ReadWord = (physicalAddress: number) => number;

function imageOf(machine: Machine, image: KernelImage | undefined, who: string): KernelImage {
  const kernel = image ?? bootedImage(machine);
  if (kernel === undefined) throw new UserError(`${who}: this machine was not booted with bootKernel`, "pass the KernelImage it runs");
  return kernel;
}

function symbolAt(kernel: KernelImage, name: string): number {
  const symbol = kernel.symbols.get(name);
  if (symbol === undefined) throw new UserError(`the kernel has no ${name} label`, "build it with the namespace files (src/guests/kernel/ns-*.s)");
  return (symbol - kernel.kernelBase) >>> 0;
}

/** Every process of the kernel booted on `machine`, with its namespaces and group. */
export function namespaceView(machine: Machine, image?: KernelImage): NamespaceEntry[] {
  return readNamespaces((pa) => machine.memory.readWord(pa), imageOf(machine, image, "namespaceView"));
}

/** Reads the namespace records through `readWord`, e.g. from inside a VM. */
export function readNamespaces(readWord: ReadWord, kernel: KernelImage): NamespaceEntry[] {
  const table = symbolAt(kernel, "proc_table");
  const records = symbolAt(kernel, "ns_procs");
  const pidTable = symbolAt(kernel, "pidns_table");
  const utsHost = symbolAt(kernel, "uts_host");
  const processes = new Map(readProcessTable(readWord, kernel).map((p) => [p.pid, p]));
  const result: NamespaceEntry[] = [];
  for (let slot = 0; slot < BOOT_LAYOUT.NPROC; slot++) {
    const process = processes.get(readWord(table + slot * BOOT_LAYOUT.PROC_SIZE + PROC_LAYOUT.PID) | 0);
    if (process === undefined) continue;
    const record = records + slot * L.NSP_SIZE;
    const word = (offset: number): number => readWord(record + offset) >>> 0;
    const pidns = word(L.NSP_PIDNS);
    const uts = word(L.NSP_UTSNS);
    result.push({
      pid: process.pid,
      name: process.name,
      state: process.state,
      pidNamespace: pidns === 0 ? 0 : ((pidns - kernel.kernelBase) >>> 0) / L.PIDNS_SIZE - pidTable / L.PIDNS_SIZE + 1,
      pidInside: pidns === 0 ? process.pid : word(L.NSP_VPID) | 0,
      hostname: readName(readWord, (uts === 0 ? utsHost : (uts - kernel.kernelBase) >>> 0) + L.UTS_NAME),
      userNamespace: word(L.NSP_USERNS),
      uid: word(L.NSP_UID) | 0,
      outsideUid: word(L.NSP_OUTUID) | 0,
      group: word(L.NSP_CGROUP),
    });
  }
  return result;
}

/** The resource groups the kernel booted on `machine` has made, with their counters. */
export function groupView(machine: Machine, image?: KernelImage): GroupEntry[] {
  const kernel = imageOf(machine, image, "groupView");
  const readWord: ReadWord = (pa) => machine.memory.readWord(pa);
  const groups = symbolAt(kernel, "cgroups");
  const live = readNamespaces(readWord, kernel).filter((p) => p.state !== "exited" && p.state !== "reaped");
  const result: GroupEntry[] = [];
  for (let i = 0; i < L.NCGROUPS; i++) {
    const base = groups + i * L.CG_SIZE;
    if (readWord(base + L.CG_USED) === 0) continue;
    const group = i + 1;
    result.push({ group, pidsMax: readWord(base + L.CG_PIDS_MAX) >>> 0, pidsCurrent: live.filter((p) => p.group === group).length });
  }
  return result;
}

function readName(readWord: ReadWord, physical: number): string {
  let name = "";
  for (let i = 0; i <= L.HOSTNAME_MAX; i++) {
    const at = physical + i;
    const byte = (readWord(at & ~3) >>> ((at & 3) * 8)) & 0xff;
    if (byte === 0) break;
    name += String.fromCharCode(byte);
  }
  return name;
}
