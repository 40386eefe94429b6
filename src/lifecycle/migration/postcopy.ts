/**
 * Post-copy live migration, the source's side (Hines and Gopalan 2009,
 * "Post-copy based live virtual machine migration using adaptive
 * pre-paging and dynamic self-ballooning", VEE, section 3), beside
 * pre-copy (source.ts) for comparison:
 *
 *   1. connect; the target reserves the VM (HELLO mode "postcopy", READY)
 *   2. the VM stops here; only its VCPU and device state go (STATE): the
 *      downtime, whatever the guest's dirty rate
 *   3. the target resumes it at once with every page still here (ACK)
 *   4. "demand paging": the VCPU's first touch of a page still here is a
 *      fault at the target, which asks for the page (FETCH) and waits a
 *      network round trip (COSTS.networkRoundTrip) and the page's time
 *      on the link;
 *      "active push": meanwhile the source sends the other pages, in
 *      order, as fast as the link allows (the rate limit's maximum),
 *      skipping those already sent
 *   5. when every page is at the target (DONE) the source destroys its copy
 *
 * Each page crosses the link exactly once, so post-copy sends the memory
 * once, against pre-copy's "until it converges". Its known weakness
 * (Hines and Gopalan, section 3.4): from the resume to DONE the VM's
 * state is in two places, the newest memory and the VCPU at the target,
 * the pages not yet sent here. A connection lost then loses the VM: the
 * target cannot go on, and this copy, stopped at step 2, is stale.
 *
 * Time is simulated as in source.ts: the target reports the cycles the
 * VM ran between two fetches, and the source sends what the link carries
 * in that time (and in a fault's wait) at the maximum rate.
 */
import { COSTS, CLOCK_HZ } from "../../machine/costs";
import type { Hypervisor } from "../../hypervisor/hypervisor";
import type { Vm } from "../../hypervisor/vm";
import { captureVm } from "../snapshot/vm-snapshot";
import { encodeSnapshot } from "../snapshot/state";
import { Connection } from "./connection";
import { DEFAULT_RATE_LIMIT } from "./policy";
import { MESSAGE, PAGE_BYTES, frame, jsonFrame, pagesFrame, parseJson } from "./protocol";
import { expect, transferCycles, type MigrateOptions } from "./source";

export interface PostcopySuccess {
  readonly ok: true;
  /** The VM was stopped this long: its state's time on the link (cycles of CLOCK_HZ). */
  readonly downtimeCycles: number;
  /** From the stop to the last page at the target. */
  readonly totalCycles: number;
  /** VCPU accesses that found their page here, and the cycles the VCPU waited for them. */
  readonly demandFaults: number;
  readonly faultWaitCycles: number;
  /** Pages sent because the target asked for them, and pushed in the background. */
  readonly demandedPages: number;
  readonly pushedPages: number;
  readonly stateBytes: number;
  /** Page bytes sent (each page once). */
  readonly bytesSent: number;
  readonly memoryBytes: number;
}

export interface PostcopyFailure {
  readonly ok: false;
  readonly error: string;
  /** Pages that never left the source: what the VM lost, if it had resumed at the target. */
  readonly pagesLeft: number;
  /** True if the target had resumed the VM: then neither copy can go on. */
  readonly resumed: boolean;
}

export type PostcopyResult = PostcopySuccess | PostcopyFailure;

/** What the VCPU waits on a demand fault: a round trip and the page's time on the link. */
export function faultWaitCycles(rate: number): number {
  return COSTS.networkRoundTrip + transferCycles(PAGE_BYTES, rate);
}

/** Migrates `vm` of `hv` post-copy to the host at port; on success the VM is destroyed here. */
export async function migratePostcopy(hv: Hypervisor, vm: Vm, options: MigrateOptions): Promise<PostcopyResult> {
  const rate = (options.limit ?? DEFAULT_RATE_LIMIT).maxRate;
  const pages = vm.memorySize / PAGE_BYTES;
  const sent = new Uint8Array(pages);
  let sentCount = 0, resumed = false;
  let connection: Connection | undefined;
  try {
    connection = await Connection.open(options.host ?? "127.0.0.1", options.port);
    const c = connection;
    await c.send(jsonFrame(MESSAGE.HELLO, {
      name: vm.name, memorySize: vm.memorySize, paravirtual: vm.config.paravirtual ?? false, mode: "postcopy",
      technique: hv.techniqueName, paging: hv.hardware?.paging ?? null, disk: options.diskFile ?? null,
    }));
    await expect(c, MESSAGE.READY, "READY");
    // The VM stops here for good: its state goes, its memory stays until asked for or pushed.
    const diskImage = options.diskFile === undefined ? undefined : { kind: "qcow2" as const, file: options.diskFile, frozen: options.diskFile };
    const state = encodeSnapshot({ ...captureVm(hv, vm, diskImage, false), memory: new Uint8Array(vm.memorySize) });
    hv.pause(vm);
    await c.send(frame(MESSAGE.STATE, state));
    await expect(c, MESSAGE.ACK, "ACK");
    resumed = true;
    const downtimeCycles = transferCycles(state.length, rate);
    const memory = hv.memory.bytes.subarray(vm.base, vm.base + vm.memorySize);
    let elapsed = downtimeCycles, credit = 0, cursor = 0, demandFaults = 0, faultWait = 0, demanded = 0, pushed = 0;
    for (;;) {
      const f = await c.receive();
      if (f.type === MESSAGE.DONE) break;
      if (f.type !== MESSAGE.FETCH) throw new Error(`${c.peer}: expected FETCH or DONE, got message type ${f.type}`);
      const { page, cycles } = parseFetch(f.payload, pages, c.peer);
      const batch: number[] = [];
      let link = cycles;
      if (page >= 0) {
        demandFaults++;
        faultWait += faultWaitCycles(rate);
        link += faultWaitCycles(rate);
        if (sent[page] === 0) { batch.push(page); demanded++; credit -= PAGE_BYTES; }
      }
      elapsed += link;
      credit += (link / CLOCK_HZ) * rate;
      for (; cursor < pages && credit >= PAGE_BYTES; cursor++) {
        if (sent[cursor] === 1 || cursor === page) continue;
        batch.push(cursor);
        credit -= PAGE_BYTES;
        pushed++;
      }
      for (const p of batch) sent[p] = 1;
      sentCount += batch.length;
      await c.send(pagesFrame(memory, batch));
    }
    hv.destroy(vm);
    c.close();
    return {
      ok: true, downtimeCycles, totalCycles: elapsed, demandFaults, faultWaitCycles: faultWait, demandedPages: demanded, pushedPages: pushed,
      stateBytes: state.length, bytesSent: sentCount * PAGE_BYTES, memoryBytes: vm.memorySize,
    };
  } catch (e) {
    connection?.socket.destroy();
    const pagesLeft = pages - sentCount;
    if (!resumed) {
      if (vm.state === "paused") hv.resume(vm); // the target never ran it: it goes on here, losing nothing
      return { ok: false, error: (e as Error).message, pagesLeft, resumed };
    }
    vm.terminate(`post-copy: lost with ${pagesLeft} pages here; the VM had resumed at the target`);
    return {
      ok: false, resumed, pagesLeft,
      error: `${(e as Error).message}: the VM had resumed at the target with ${pagesLeft} of its pages still here, so neither copy can go on (post-copy's known weakness)`,
    };
  }
}

function parseFetch(payload: Uint8Array, pages: number, peer: string): { page: number; cycles: number } {
  const m = parseJson(payload, "FETCH", peer);
  const { page, cycles } = m;
  if (typeof page !== "number" || !Number.isInteger(page) || page < -1 || page >= pages) throw new Error(`${peer}: FETCH page ${String(page)} is not -1 or one of the VM's ${pages} pages`);
  if (typeof cycles !== "number" || !Number.isInteger(cycles) || cycles < 0) throw new Error(`${peer}: FETCH cycles ${String(cycles)} is not a whole number >= 0`);
  return { page, cycles };
}
