/**
 * `vmlab resume SNAPSHOT [--max-cycles N]`: continues a machine that
 * `vmlab boot --suspend-at N --snapshot SNAPSHOT` suspended, in this
 * process: its console goes on where it stopped (what it printed before
 * is not printed again), its disk on the overlay the suspend made. The
 * exit status is the kernel's, as for `vmlab boot`.
 */
import type { Command } from "commander";
import { DEFAULT_MAX_CYCLES, type Machine } from "../../machine/machine";
import { openSnapshotDisk, readSnapshot } from "../../lifecycle/snapshot/files";
import { restoreMachine } from "../../lifecycle/snapshot/machine-snapshot";
import { parseNumber } from "../options";
import { guestConsole } from "../output";
import { exitStatus } from "./boot";

export function register(program: Command): void {
  program
    .command("resume")
    .description("continue a machine suspended by vmlab boot --suspend-at (console on stdout)")
    .argument("<snapshot>", "the snapshot file vmlab boot --snapshot wrote")
    .option("--max-cycles <n>", "stop a guest that runs longer than N more cycles", String(DEFAULT_MAX_CYCLES))
    .action((file: string, flags: { maxCycles: string }) => {
      const maxCycles = parseNumber("--max-cycles", flags.maxCycles, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true, unit: "cycles" });
      const snapshot = readSnapshot(file);
      const disk = openSnapshotDisk(snapshot, file);
      try {
        const machine: Machine = restoreMachine(snapshot, { disk, file, onConsole: guestConsole(() => machine) });
        process.exitCode = exitStatus(machine.run({ maxCycles }));
      } finally {
        disk?.close();
      }
    });
}
