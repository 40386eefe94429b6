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
 */
import type { Hypervisor } from "../../hypervisor/hypervisor";
import type { Vm } from "../../hypervisor/vm";
import { migrate, type MigrateOptions, type MigrationResult } from "./source";
import { MigrationHost, type Arrival } from "./target";

export interface LoopbackMigration {
  readonly report: MigrationResult;
  /** The VM at the target, once the source has its ACK; undefined when the migration failed. */
  readonly arrival: Arrival | undefined;
}

/** How long the target may take to hand over a VM it has acknowledged. */
const ARRIVAL_MS = 5_000;

/** Migrates `vm` of `hv` to a host in this process; on success the VM is destroyed here and runs there. */
export async function migrateLoopback(hv: Hypervisor, vm: Vm, options: Omit<MigrateOptions, "port" | "host"> = {}): Promise<LoopbackMigration> {
  let arrived: (a: Arrival) => void = () => undefined;
  const arrival = new Promise<Arrival>((resolve) => { arrived = resolve; });
  const host = await MigrationHost.listen({ onArrival: (a) => arrived(a) });
  try {
    const report = await migrate(hv, vm, { ...options, port: host.port });
    if (!report.ok) return { report, arrival: undefined };
    // The target hands the VM over just after its ACK went out: wait for it, but not for ever.
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
