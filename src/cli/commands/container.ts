/**
 * `vmlab container run PROGRAM... [--hostname H,...] [--pids-max N]
 * [--platform P] [--timer N] [--max-cycles N] [--table]`: boots one toy32
 * kernel and runs each program in a container of its own, side by side
 * (src/containers/run.ts: new pid, uts and user namespaces, a resource
 * group with --pids-max). The containers' console output goes to stdout;
 * --table prints what each process saw of its namespaces (to stderr). The
 * exit status is the kernel's (the processes it killed), or 124 / 125 as
 * for `vmlab asm`.
 */
import * as path from "path";
import type { Command } from "commander";
import { DEFAULT_MAX_CYCLES } from "../../machine/machine";
import { DEFAULT_TIMER_INTERVAL, type BuiltInProgram } from "../../guests/loader";
import { MAX_CONTAINERS, runContainers } from "../../containers/run";
import { namespaceView } from "../../containers/view";
import { UserError } from "../../errors";
import { parseNumber } from "../options";
import { readSourceFile } from "../source-file";
import { exitStatus } from "./boot";

interface ContainerFlags {
  hostname?: string;
  pidsMax?: string;
  platform: string;
  timer: string;
  maxCycles: string;
  table?: boolean;
}

export function register(program: Command): void {
  const container = program.command("container").description("containers on one toy32 kernel: namespaces and resource groups");
  container
    .command("run")
    .description("boot one kernel and run each program in its own container (pid, uts and user namespaces)")
    .argument("<programs...>", "built-in program names or .s files, one container each")
    .option("--hostname <names>", "the containers' hostnames, comma-separated (default c1, c2, ...)")
    .option("--pids-max <n>", "pids.max of every container's resource group (default: no limit)")
    .option("--platform <name>", "native or software-tlb", "native")
    .option("--timer <cycles>", "cycles between timer interrupts (0: no preemption)", String(DEFAULT_TIMER_INTERVAL))
    .option("--max-cycles <n>", "stop a guest that runs longer than N cycles", String(DEFAULT_MAX_CYCLES))
    .option("--table", "print what each process saw of its namespaces after the run (to stderr)")
    .action((names: string[], flags: ContainerFlags) => {
      if (flags.platform !== "native" && flags.platform !== "software-tlb") {
        throw new UserError(`--platform ${flags.platform}: containers boot on native or software-tlb`, "the paravirtual kernel needs its hypervisor");
      }
      if (names.length > MAX_CONTAINERS) throw new UserError(`${names.length} programs: one kernel runs at most ${MAX_CONTAINERS} containers`);
      const hostnames = flags.hostname === undefined ? [] : flags.hostname.split(",");
      if (hostnames.length > names.length) throw new UserError(`--hostname names ${hostnames.length} containers, but ${names.length} programs were given`);
      const pidsMax = flags.pidsMax === undefined ? undefined : parseNumber("--pids-max", flags.pidsMax, { min: 1, max: 1000, integer: true });
      const run = runContainers({
        platform: flags.platform,
        timerInterval: parseNumber("--timer", flags.timer, { min: 0, max: 2 ** 31 - 1, integer: true, unit: "cycles" }),
        maxCycles: parseNumber("--max-cycles", flags.maxCycles, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true, unit: "cycles" }),
        containers: names.map((name, i) => ({ program: programOf(name), hostname: hostnames[i], pidsMax })),
      });
      process.stdout.write(run.output);
      if (flags.table) {
        for (const p of namespaceView(run.machine)) {
          process.stderr.write(
            `pid ${p.pid} (${p.name}, ${p.state}): pid ${p.pidInside} in pid namespace ${p.pidNamespace}, hostname ${p.hostname}, ` +
              `uid ${p.uid} (${p.outsideUid} outside) in user namespace ${p.userNamespace}, group ${p.group}\n`,
          );
        }
      }
      process.exitCode = exitStatus(run.result);
    });
}

function programOf(arg: string): BuiltInProgram {
  if (!arg.endsWith(".s") && !arg.includes("/")) return arg;
  return { name: path.basename(arg), source: readSourceFile(arg) };
}
