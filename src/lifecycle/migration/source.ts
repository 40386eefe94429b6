/**
 * Pre-copy live migration, the source's side (Clark et al. 2005, 3.3 and
 * figure 2; Silberschatz 16.6.6):
 *
 *   1. connect; the target creates the VM (HELLO, READY)
 *   2. dirty logging on (the MMU write-protects every page); round 1
 *      sends every page while the guest runs on
 *   3. each later round sends the pages dirtied during the one before, at
 *      a rate Clark's rate limiting raises each round (policy.ts), until
 *      a stop rule of Xen's holds
 *   4. stop-and-copy: the VM stops; the last dirty pages and the VCPU and
 *      device state go (the downtime)
 *   5. the target resumes the VM and acknowledges
 *   6. the source destroys its copy
 *
 * Time is simulated: a round of B bytes at rate R takes B / R seconds of
 * CLOCK_HZ cycles, and the guest runs exactly that many cycles meanwhile,
 * so the pages it dirties are those a real link of that speed would
 * have to send again. The bytes really cross the TCP connection. The disk
 * stays where it is (Silberschatz: "disk space cannot be moved as part of
 * a live migration"): the target opens the same image on shared storage.
 * Until ACK the source changes nothing of the VM, so any failure leaves
 * it running here as if the migration had never begun.
 */
import { CLOCK_HZ } from "../../machine/costs";
import type { Hypervisor } from "../../hypervisor/hypervisor";
import type { Vm } from "../../hypervisor/vm";
import { captureVm } from "../snapshot/vm-snapshot";
import { encodeSnapshot, type DiskImageRef } from "../snapshot/state";
import { Connection } from "./connection";
import { DEFAULT_RATE_LIMIT, nextRate, stopReason, type RateLimit, type StopReason } from "./policy";
import { MESSAGE, PAGE_BYTES, frame, jsonFrame, pagesFrame, parseJson } from "./protocol";

export interface MigrateOptions {
  readonly port: number;
  readonly host?: string;
  readonly limit?: RateLimit;
  /** The VM's disk image on shared storage (a qcow2 file the target opens), if it has one on a file. */
  readonly diskFile?: string;
}

export interface Round {
  readonly round: number;
  readonly pagesSent: number;
  /** Bytes per second of simulated time. */
  readonly rate: number;
  readonly cycles: number;
  readonly pagesDirtied: number;
}

export interface MigrationSuccess {
  readonly ok: true;
  readonly rounds: readonly Round[];
  readonly stop: StopReason | "guest-ended";
  /** Pages sent in stop-and-copy, and the VCPU and device state's bytes. */
  readonly finalPages: number;
  readonly stateBytes: number;
  /** The VM was stopped this long (cycles of CLOCK_HZ). */
  readonly downtimeCycles: number;
  /** From the first round to the target's resume. */
  readonly totalCycles: number;
  /** Page bytes sent, every round and stop-and-copy. */
  readonly bytesSent: number;
  readonly memoryBytes: number;
}

export interface MigrationFailure {
  readonly ok: false;
  readonly error: string;
  readonly rounds: readonly Round[];
}

export type MigrationResult = MigrationSuccess | MigrationFailure;

/** Cycles that `bytes` take at `rate` bytes per second. */
export function transferCycles(bytes: number, rate: number): number {
  return Math.ceil((bytes / rate) * CLOCK_HZ);
}

/** Migrates `vm` of `hv` to the host listening at port; on success the VM is destroyed here. */
export async function migrate(hv: Hypervisor, vm: Vm, options: MigrateOptions): Promise<MigrationResult> {
  const limit = options.limit ?? DEFAULT_RATE_LIMIT;
  const rounds: Round[] = [];
  let connection: Connection | undefined;
  try {
    connection = await Connection.open(options.host ?? "127.0.0.1", options.port);
    const c = connection;
    await c.send(jsonFrame(MESSAGE.HELLO, {
      name: vm.name, memorySize: vm.memorySize, paravirtual: vm.config.paravirtual ?? false,
      technique: hv.techniqueName, paging: hv.hardware?.paging ?? null, disk: options.diskFile ?? null,
    }));
    await expect(c, MESSAGE.READY, "READY");
    const result = await precopy(hv, vm, c, limit, rounds, options.diskFile);
    hv.stopDirtyLog(vm);
    hv.destroy(vm);
    c.close();
    return result;
  } catch (e) {
    hv.stopDirtyLog(vm); // the VM goes on here, untouched
    connection?.socket.destroy();
    return { ok: false, error: (e as Error).message, rounds };
  }
}

async function precopy(hv: Hypervisor, vm: Vm, c: Connection, limit: RateLimit, rounds: Round[], diskFile: string | undefined): Promise<MigrationSuccess> {
  const memoryBytes = vm.memorySize;
  const memory = (): Uint8Array => hv.memory.bytes.subarray(vm.base, vm.base + memoryBytes);
  hv.startDirtyLog(vm);
  let pages = Array.from({ length: memoryBytes / PAGE_BYTES }, (_, i) => i);
  let rate = limit.minRate;
  let sent = 0, elapsed = 0;
  let stop: StopReason | "guest-ended" | undefined;
  while (stop === undefined) {
    await c.send(pagesFrame(memory(), pages));
    const bytes = pages.length * PAGE_BYTES;
    sent += bytes;
    const cycles = transferCycles(bytes, rate);
    hv.run({ maxCycles: cycles }); // the guest runs while the round is on the wire
    elapsed += cycles;
    const dirtied = hv.harvestDirty(vm);
    rounds.push({ round: rounds.length + 1, pagesSent: pages.length, rate, cycles, pagesDirtied: dirtied.length });
    stop = vm.ended ? "guest-ended" : stopReason({ rounds: rounds.length, bytesSentTotal: sent, memoryBytes, pagesSent: pages.length, pagesDirtied: dirtied.length, rate, limit });
    rate = nextRate(limit, (dirtied.length * PAGE_BYTES) / (cycles / CLOCK_HZ));
    pages = dirtied;
  }
  // Stop-and-copy: the VM does not run again here.
  await c.send(pagesFrame(memory(), pages));
  sent += pages.length * PAGE_BYTES;
  const diskImage: DiskImageRef | undefined = diskFile === undefined ? undefined : { kind: "qcow2", file: diskFile, frozen: diskFile };
  const snapshot = captureVm(hv, vm, diskImage);
  const state = encodeSnapshot({ ...snapshot, memory: new Uint8Array(memoryBytes) }); // memory went as pages
  await c.send(frame(MESSAGE.STATE, state));
  await expect(c, MESSAGE.ACK, "ACK");
  const downtimeCycles = transferCycles(pages.length * PAGE_BYTES + state.length, limit.maxRate);
  return {
    ok: true, rounds, stop, finalPages: pages.length, stateBytes: state.length, downtimeCycles,
    totalCycles: elapsed + downtimeCycles, bytesSent: sent, memoryBytes,
  };
}

/** The next frame must be `type`: an ERROR from the peer, or anything else, is thrown as one line. */
export async function expect(c: Connection, type: number, name: string): Promise<void> {
  const f = await c.receive();
  if (f.type === MESSAGE.ERROR) throw new Error(`${c.peer} refused the migration: ${String(parseJson(f.payload, "ERROR", c.peer).message)}`);
  if (f.type !== type) throw new Error(`${c.peer}: expected ${name}, got message type ${f.type}`);
}
