/**
 * `vmlab host [--port N] [--once] [--max-cycles N]`: a host that VMs
 * migrate to (src/lifecycle/migration/target.ts). It prints where it
 * listens on stderr; each VM that arrives runs to its end under a
 * hypervisor of the technique it ran under, and its console (all of it,
 * what it printed before the migration included) goes to stdout. With
 * --once the host exits after its first VM, with that VM's exit code.
 */
import type { Command } from "commander";
import { DEFAULT_MAX_CYCLES } from "../../machine/machine";
import { MigrationHost } from "../../lifecycle/migration/target";
import { parseNumber } from "../options";

interface HostFlags {
  port: string;
  once?: boolean;
  maxCycles: string;
}

export function register(program: Command): void {
  program
    .command("host")
    .description("listen for live migrations on the loopback; run each VM that arrives (its console on stdout)")
    .option("--port <n>", "TCP port on 127.0.0.1 (0: any free one, printed)", "0")
    .option("--once", "exit after the first migrated VM ends")
    .option("--max-cycles <n>", "stop a migrated VM that runs longer than N cycles", String(DEFAULT_MAX_CYCLES))
    .action(async (flags: HostFlags) => {
      const port = parseNumber("--port", flags.port, { min: 0, max: 65535, integer: true });
      const maxCycles = parseNumber("--max-cycles", flags.maxCycles, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true, unit: "cycles" });
      let finished: () => void = () => undefined;
      const done = new Promise<void>((resolve) => { finished = resolve; });
      const host = await MigrationHost.listen({
        port,
        onArrival: ({ hv, vm, disk, peer }) => {
          process.stderr.write(`vmlab host: VM ${vm.name} arrived from ${peer}, resumed at guest cycle ${vm.vcpu.cycles}\n`);
          try {
            hv.run({ maxCycles });
          } finally {
            disk?.close();
          }
          process.stdout.write(vm.console);
          process.stderr.write(`vmlab host: VM ${vm.name} ${vm.state}${vm.exitCode === undefined ? "" : ` with exit code ${vm.exitCode}`}\n`);
          if (flags.once) {
            process.exitCode = vm.state === "halted" ? (vm.exitCode ?? 0) & 255 : 1;
            finished();
          }
        },
        // Pre-copy: the source keeps its VM. Post-copy after the resume: the message says the VM is lost.
        onFailure: (peer, message) => process.stderr.write(`vmlab host: a migration from ${peer} failed${message.startsWith("post-copy") ? "" : ", the source keeps its VM"}: ${message}\n`),
      });
      process.stderr.write(`vmlab host: listening on 127.0.0.1:${host.port}\n`);
      if (flags.once) {
        await done;
        await host.close();
      } else {
        await new Promise<void>(() => undefined); // serves until killed
      }
    });
}
