/**
 * Post-copy live migration, the target's side (postcopy.ts; Hines and
 * Gopalan 2009, section 3): the VM resumes here from its VCPU and device
 * state alone, every page still at the source (src/memory/remote-pages.ts).
 * The host runs it: until its VCPU touches a page that is not here (an
 * EPT violation, hardware-assist.ts), or for a quantum of cycles; then it
 * asks the source for that page (FETCH) and copies in what comes back, the
 * page and those the source pushed meanwhile (PAGES). Once every page is
 * here it says DONE and hands the VM over (onArrival), running on.
 *
 * If the connection goes before DONE the VM cannot go on: part of its
 * memory never came, and the source's copy is older than what ran here.
 * It is terminated, saying so (post-copy's known weakness), and the
 * failure is reported.
 */
import { UserError } from "../../errors";
import { RemotePages } from "../../memory/remote-pages";
import type { Connection } from "./connection";
import { MESSAGE, PAGE_BYTES, applyPages, jsonFrame } from "./protocol";
import { resume, type Hello, type HostOptions } from "./target";

/** Cycles the VM runs between two fetches while it touches no page that is still at the source (100 us). */
export const POSTCOPY_QUANTUM = 100_000;

export async function receivePostcopy(c: Connection, hello: Hello, options: HostOptions): Promise<void> {
  const first = await c.receive();
  if (first.type !== MESSAGE.STATE) throw new UserError(`${c.peer}: expected STATE (post-copy), got message type ${first.type}`);
  const arrival = resume(hello, new Uint8Array(hello.memorySize), first.payload, c.peer);
  const { hv, vm } = arrival;
  const remote = new RemotePages(hello.memorySize / PAGE_BYTES);
  vm.remote = remote;
  const memory = hv.memory.bytes.subarray(vm.base, vm.base + vm.memorySize);
  const arrived = (page: number): void => {
    if (!remote.arrived(page)) throw new UserError(`${c.peer}: page ${page} came twice`);
  };
  await c.send(jsonFrame(MESSAGE.ACK, { resumed: vm.name }));
  try {
    while (remote.remaining > 0) {
      const ran = hv.run({ maxCycles: POSTCOPY_QUANTUM }).cycles;
      if (vm.state === "terminated" && vm.reason.startsWith("post-copy")) throw new UserError(vm.reason); // a DMA found a page missing (vm.ts)
      const page = remote.awaiting ?? -1;
      // A VCPU that faulted stopped early; otherwise (running, ended or idle) the whole quantum passed.
      await c.send(jsonFrame(MESSAGE.FETCH, { page, cycles: page >= 0 ? ran : POSTCOPY_QUANTUM }));
      const f = await c.receive();
      if (f.type !== MESSAGE.PAGES) throw new UserError(`${c.peer}: expected PAGES, got message type ${f.type}`);
      applyPages(f.payload, memory, c.peer, arrived);
    }
  } catch (e) {
    const lost = `post-copy: ${(e as Error).message.replace(/^post-copy: /, "")}; ${remote.remaining} of the VM's pages never came from the source, so it cannot go on`;
    vm.terminate(lost);
    arrival.disk?.close();
    throw new UserError(lost);
  }
  vm.remote = undefined;
  await c.send(jsonFrame(MESSAGE.DONE, { faults: remote.faults }));
  c.close();
  options.onArrival(arrival);
}
