/**
 * A live migration between two hypervisors of one process, over a real
 * TCP connection on the loopback: a MigrationHost listens on a free port,
 * the source migrates to it, and the VM that arrived is handed back. What
 * a notebook cell (and a test, or a benchmark) uses to migrate without
 * starting a second `vmlab host` process; the bytes cross the same socket
 * code as between two processes.
 *
 *   const { report, arrival } = await migrateLoopback(hv, vm);
 *   arrival.hv.run();              // the VM runs on at the target
 *   await migratePostcopyLoopback(hv, vm);   // the same, post-copy
 */
import type { Hypervisor } from "../../hypervisor/hypervisor";
import type { Vm } from "../../hypervisor/vm";
import { migrate, type MigrateOptions, type MigrationResult } from "./source";
import { migratePostcopy, type PostcopyResult } from "./postcopy";
import { MigrationHost, type Arrival } from "./target";

export interface LoopbackMigration<R = MigrationResult> {
  readonly report: R;
  /** The VM at the target, once the source has its ACK (post-copy: its DONE); undefined when the migration failed. */
  readonly arrival: Arrival | undefined;
}

/** How long the target may take to hand over a VM it has acknowledged. */
const ARRIVAL_MS = 5_000;

type Migration<R> = (hv: Hypervisor, vm: Vm, options: MigrateOptions) => Promise<R>;
type LoopbackOptions = Omit<MigrateOptions, "port" | "host">;

/** Migrates `vm` of `hv` pre-copy to a host in this process; on success the VM is destroyed here and runs there. */
export function migrateLoopback(hv: Hypervisor, vm: Vm, options: LoopbackOptions = {}): Promise<LoopbackMigration> {
  return loopback(hv, vm, options, migrate);
}

/** The same, post-copy (postcopy.ts): the target runs the VM while its pages come. */
export function migratePostcopyLoopback(hv: Hypervisor, vm: Vm, options: LoopbackOptions = {}): Promise<LoopbackMigration<PostcopyResult>> {
  return loopback(hv, vm, options, migratePostcopy);
}

async function loopback<R extends { readonly ok: boolean }>(hv: Hypervisor, vm: Vm, options: LoopbackOptions, how: Migration<R>): Promise<LoopbackMigration<R>> {
  let arrived: (a: Arrival) => void = () => undefined;
  const arrival = new Promise<Arrival>((resolve) => { arrived = resolve; });
  const host = await MigrationHost.listen({ onArrival: (a) => arrived(a) });
  try {
    const report = await how(hv, vm, { ...options, port: host.port });
    if (!report.ok) return { report, arrival: undefined };
    // The target hands the VM over just after its last message went out: wait for it, but not for ever.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), ARRIVAL_MS); });
    const a = await Promise.race([arrival, late]);
    clearTimeout(timer);
    if (a === undefined) throw new Error(`the target acknowledged VM ${vm.name} but did not hand it over within ${ARRIVAL_MS} ms`);
    return { report, arrival: a };
  } finally {
    await host.close();
  }
}
