/**
 * Pre-copy live migration, the target's side: a host that listens for
 * migrations (protocol.ts), fills a new VM's memory with the rounds of
 * pages, restores its VCPU and devices from the final state, resumes it
 * and acknowledges (Clark et al. 2005, 3.2 stages 4-5: "commitment",
 * "activation"). Until the state has arrived nothing runs; a source that
 * goes away before then leaves nothing behind here.
 */
import * as net from "net";
import { UserError } from "../../errors";
import { Hypervisor, type Technique } from "../../hypervisor/hypervisor";
import type { Vm } from "../../hypervisor/vm";
import type { HardwarePaging } from "../../hypervisor/hardware-assist";
import { openImage } from "../qcow2/chain";
import type { BlockDevice } from "../../machine/devices/block";
import { decodeSnapshot } from "../snapshot/state";
import { restoreVm } from "../snapshot/vm-snapshot";
import { Connection } from "./connection";
import { MESSAGE, PAGE_BYTES, applyPages, jsonFrame, parseJson } from "./protocol";
import { receivePostcopy } from "./postcopy-target";

const TECHNIQUES: readonly Technique[] = ["trap-and-emulate", "binary-translation", "hardware-assist"];
const PAGINGS: readonly HardwarePaging[] = ["nested", "shadow"];
/** The largest VM a host takes (its hypervisor's machine has room for it). */
export const MAX_VM_BYTES = 16 * 1024 * 1024;

/** A VM that arrived: running under its own hypervisor here, its disk (if on a file) open. */
export interface Arrival {
  readonly hv: Hypervisor;
  readonly vm: Vm;
  readonly disk: BlockDevice | undefined;
  readonly peer: string;
}

export interface HostOptions {
  readonly port?: number;
  readonly host?: string;
  /** Called once a VM has resumed here (after ACK went out): run it. */
  readonly onArrival: (arrival: Arrival) => void;
  /** Called when an incoming migration fails (pre-copy: the source keeps its VM; post-copy after the resume: the VM is lost, the message says so). */
  readonly onFailure?: (peer: string, message: string) => void;
}

export class MigrationHost {
  private constructor(private readonly server: net.Server, readonly port: number) {}

  static listen(options: HostOptions): Promise<MigrationHost> {
    const server = net.createServer((socket) => {
      const peer = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`;
      receive(new Connection(socket, peer), options).catch((e: Error) => {
        options.onFailure?.(peer, e.message);
        socket.destroy();
      });
    });
    return new Promise((resolve, reject) => {
      server.once("error", (e) => reject(new UserError(`cannot listen on port ${options.port ?? 0}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
        const address = server.address();
        resolve(new MigrationHost(server, typeof address === "object" && address !== null ? address.port : 0));
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface Hello {
  readonly name: string;
  readonly memorySize: number;
  readonly technique: Technique;
  readonly paging: HardwarePaging | undefined;
  readonly disk: string | undefined;
  /** Pre-copy (the default), or post-copy (postcopy-target.ts). */
  readonly mode: "precopy" | "postcopy";
}

function parseHello(payload: Uint8Array, peer: string): Hello {
  const h = parseJson(payload, "HELLO", peer);
  const refuse = (what: string): never => { throw new UserError(`${peer}: HELLO ${what}`); };
  const memorySize = h.memorySize;
  if (typeof memorySize !== "number" || !Number.isInteger(memorySize) || memorySize <= 0 || memorySize % PAGE_BYTES !== 0 || memorySize > MAX_VM_BYTES) {
    refuse(`memorySize ${String(memorySize)} is not a whole number of pages up to ${MAX_VM_BYTES} bytes`);
  }
  const technique = TECHNIQUES.find((t) => t === h.technique) ?? refuse(`technique ${String(h.technique)} is not one of ${TECHNIQUES.join(", ")}`);
  const paging = h.paging === null ? undefined : PAGINGS.find((p) => p === h.paging) ?? refuse(`paging ${String(h.paging)} is neither nested nor shadow`);
  if (typeof h.name !== "string") refuse("has no VM name");
  if (h.disk !== null && typeof h.disk !== "string") refuse("disk is neither a file name nor null");
  const mode = h.mode === undefined || h.mode === "precopy" ? "precopy" : h.mode === "postcopy" ? "postcopy" : refuse(`mode ${String(h.mode)} is neither precopy nor postcopy`);
  // Post-copy catches a touch of a page still at the source as an EPT violation: nested paging only.
  if (mode === "postcopy" && (technique !== "hardware-assist" || paging === "shadow")) refuse("post-copy needs hardware assist with nested paging, whose EPT violations catch the pages still at the source");
  return { name: h.name as string, memorySize: memorySize as number, technique, paging, disk: (h.disk as string | null) ?? undefined, mode };
}

async function receive(c: Connection, options: HostOptions): Promise<void> {
  const first = await c.receive();
  if (first.type !== MESSAGE.HELLO) throw new UserError(`${c.peer}: expected HELLO, got message type ${first.type}`);
  let hello: Hello;
  try {
    hello = parseHello(first.payload, c.peer);
  } catch (e) {
    await c.send(jsonFrame(MESSAGE.ERROR, { message: (e as Error).message }));
    throw e;
  }
  const memory = new Uint8Array(hello.memorySize);
  await c.send(jsonFrame(MESSAGE.READY, {}));
  if (hello.mode === "postcopy") return receivePostcopy(c, hello, options);
  for (;;) {
    const f = await c.receive();
    if (f.type === MESSAGE.PAGES) { applyPages(f.payload, memory, c.peer); continue; }
    if (f.type !== MESSAGE.STATE) throw new UserError(`${c.peer}: expected PAGES or STATE, got message type ${f.type}`);
    const arrival = resume(hello, memory, f.payload, c.peer);
    await c.send(jsonFrame(MESSAGE.ACK, { resumed: arrival.vm.name }));
    c.close();
    options.onArrival(arrival);
    return;
  }
}

/** The VM from its pages and state, under a hypervisor of the technique it ran under. */
export function resume(hello: Hello, memory: Uint8Array, state: Uint8Array, peer: string): Arrival {
  const snapshot = decodeSnapshot(state, `${peer} (migration state)`);
  if (snapshot.state.kind !== "vm" || snapshot.state.vm.memorySize !== hello.memorySize) throw new UserError(`${peer}: the state is not of the VM its HELLO announced`);
  const hv = new Hypervisor({ technique: hello.technique, paging: hello.paging, memoryBytes: 2 * MAX_VM_BYTES });
  const disk = hello.disk === undefined ? undefined : openImage(hello.disk, { writable: true });
  try {
    const vm = restoreVm(hv, { ...snapshot, memory }, { disk, file: peer });
    return { hv, vm, disk, peer };
  } catch (e) {
    disk?.close();
    throw e;
  }
}
