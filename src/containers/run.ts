/**
 * Containers on one toy32 kernel: a small host program (the container
 * runtime, pid 1 in the root namespaces, written here in toy32 assembly)
 * starts each container the way runc does with clone(2) and cgroups:
 *
 *   pid 1 (runtime)                      each container's first process
 *   cg_create, cg_set pids.max           (only with pidsMax)
 *   clone(NEWPID | NEWUTS) ------------> pid 1 inside: cg_attach(group, self)
 *   ... the next container                sethostname(H)
 *   wait for each; exit = how many        unshare(NEWUSER): root inside only
 *   did not exit 0                        bootexec(its program)
 *
 * The container's own user namespace comes last, after it has joined its
 * group and named itself: from then on its root cannot leave the group,
 * raise its limits or rename its host (the uts namespace stays the host
 * root's), which is what FreeBSD's jail(2) promises a jailed root (Kamp
 * and Watson 2000, "Jails: Confining the omnipotent root").
 */
import { UserError } from "../errors";
import { bootKernel } from "../guests/boot";
import type { BuiltInProgram } from "../guests/loader";
import type { Machine, RunResult } from "../machine/machine";

export interface ContainerSpec {
  /** The program it runs (a built-in name or { name, source }). */
  readonly program: BuiltInProgram;
  /** Its uts namespace's hostname: 1-15 of [A-Za-z0-9.-]; default "c1", "c2", ... */
  readonly hostname?: string;
  /** pids.max of its resource group; none by default. */
  readonly pidsMax?: number;
}

export interface ContainersOptions {
  readonly containers: readonly ContainerSpec[];
  readonly platform?: "native" | "software-tlb";
  readonly timerInterval?: number;
  readonly memoryBytes?: number;
  readonly maxCycles?: number;
}

export interface ContainersRun {
  readonly machine: Machine;
  readonly result: RunResult;
  /** What the containers printed, in the order they printed it. */
  readonly output: string;
}

const HOSTNAME = /^[A-Za-z0-9.-]{1,15}$/;
/** Processes the kernel has room for (NPROC) less the runtime. */
export const MAX_CONTAINERS = 7;

/** The runtime's source for these containers (their programs are boot-table entries 1..N). */
export function containerRuntimeSource(containers: readonly ContainerSpec[]): string {
  if (containers.length < 1 || containers.length > MAX_CONTAINERS) {
    throw new UserError(`containers: 1 to ${MAX_CONTAINERS} on one kernel, not ${containers.length}`, "the kernel's process table has 8 slots and the runtime takes one");
  }
  const main: string[] = ["main:", "        push ra"];
  const starts: string[] = [];
  const data: string[] = ["        .data"];
  containers.forEach((c, i) => {
    const n = i + 1;
    const hostname = c.hostname ?? `c${n}`;
    if (!HOSTNAME.test(hostname)) throw new UserError(`container ${n}: hostname "${hostname}" is not 1-15 of letters, digits, '.' and '-'`, "pass another --hostname");
    const pidsMax = c.pidsMax ?? 0;
    if (!Number.isInteger(pidsMax) || pidsMax < 0) throw new UserError(`container ${n}: pids.max ${pidsMax} is not a whole number >= 0`, "0 means no limit");
    main.push(
      `        li   s0, 0                  # container ${n}: its group (0: the root one)`,
      ...(pidsMax > 0
        ? [
            "        li   a0, SYS_CG_CREATE",
            "        sys",
            "        mv   s0, a0",
            "        li   a0, SYS_CG_SET",
            "        mv   a1, s0",
            "        li   a2, CG_PIDS_MAX",
            `        li   a3, ${pidsMax}`,
            "        sys",
          ]
        : []),
      "        li   a0, SYS_CLONE",
      "        li   a1, CLONE_NEWPID | CLONE_NEWUTS",
      "        sys",
      `        beqz a0, start_${n}`,
    );
    starts.push(
      `start_${n}:`,
      "        li   a0, SYS_CG_ATTACH",
      "        mv   a1, s0",
      "        li   a2, 0",
      "        sys",
      "        li   a0, SYS_SETHOSTNAME",
      `        la   a1, hostname_${n}`,
      `        li   a2, ${hostname.length}`,
      "        sys",
      "        li   a0, SYS_UNSHARE",
      "        li   a1, CLONE_NEWUSER",
      "        sys",
      `        li   a0, ${n}`,
      "        call bootexec",
      "        li   a0, 127                # not started",
      "        call exit",
    );
    data.push(`hostname_${n}: .ascii "${hostname}"`);
  });
  main.push(
    "        li   s1, 0                  # s1 = containers that failed",
    "wait_all:",
    "        call wait",
    "        blt  a0, zero, wait_done",
    "        beqz a1, wait_all",
    "        addi s1, s1, 1",
    "        j    wait_all",
    "wait_done:",
    "        mv   a0, s1",
    "        pop  ra",
    "        ret",
    "",
    "bootexec:",
    "        mv   a1, a0",
    "        li   a0, SYS_BOOTEXEC",
    "        sys",
    "        ret",
  );
  return ["# the container runtime (src/containers/run.ts)", "        .text", ...main, ...starts, ...data, ""].join("\n");
}

/** Boots one kernel and runs the containers side by side in it. */
export function runContainers(options: ContainersOptions): ContainersRun {
  const runtime = { name: "runtime", source: containerRuntimeSource(options.containers) };
  const machine = bootKernel({
    programs: [runtime, ...options.containers.map((c) => c.program)],
    startedAtBoot: 1,
    platform: options.platform,
    timerInterval: options.timerInterval,
    memoryBytes: options.memoryBytes,
  });
  const result = machine.run({ maxCycles: options.maxCycles });
  return { machine, result, output: machine.console.output };
}
