/**
 * A tree of clone calls (clone(2) with CLONE_NEWPID and CLONE_NEWUTS) on
 * one toy32 kernel with the timer off: what pid and hostname does each
 * process see? The rules are pid_namespaces(7)'s and uts_namespaces(7)'s
 * as the kernel's ns-pid.s and ns-uts.s build them:
 *
 * - processes are created, and run, in breadth-first order: each forks all
 *   its children, then waits; the scheduler takes them in table order, so
 *   the real pids (the root namespace's) are 1, 2, 3, ... in that order;
 * - the first process born in a new pid namespace is its pid 1; the others
 *   born there count up from 2, in the order they are born; a process
 *   outside a pid namespace's processes sees their real pids;
 * - a process with a new uts namespace starts with its parent's hostname
 *   and renames it; the others share their parent's.
 */
import { Prng } from "../../prng";
import { checkSeed, type Problem } from "./problem";

export interface NamespaceNode {
  /** Its name in the tree: "host", then "A", "B", ... in creation order. */
  readonly name: string;
  /** Its parent's index in `nodes` (-1 for the host's process). */
  readonly parent: number;
  readonly newPid: boolean;
  readonly newUts: boolean;
  /** The hostname it sets in its new uts namespace (newUts only). */
  readonly hostname?: string;
}

export interface NamespaceData {
  /** In creation (breadth-first) order; nodes[0] is the host's process, real pid 1. */
  readonly nodes: readonly NamespaceNode[];
}

export interface NamespaceAnswer {
  readonly name: string;
  /** Its pid in the root namespace. */
  readonly realPid: number;
  /** What getpid returns in it. */
  readonly pid: number;
  /** What gethostname returns in it. */
  readonly hostname: string;
}

const NAMES = ["web", "db", "cache", "mail", "proxy", "queue", "auth", "log"];
const HOST = "toy32";

export function namespacesProblem(seed: number): Problem<NamespaceData, NamespaceAnswer[]> {
  const rng = new Prng(checkSeed(seed));
  const nodes: NamespaceNode[] = [{ name: "host", parent: -1, newPid: false, newUts: false }];
  const children = rng.int(2, 3);
  const inRoot: boolean[] = [true];
  const spawn = (parent: number): void => {
    const newPid = inRoot[parent] && rng.chance(0.5);
    const newUts = rng.chance(0.5);
    const name = String.fromCharCode(64 + nodes.length);
    nodes.push({ name, parent, newPid, newUts, hostname: newUts ? NAMES[nodes.length - 1] : undefined });
    inRoot.push(inRoot[parent] && !newPid);
  };
  for (let i = 0; i < children; i++) spawn(0);
  for (let p = 1; p <= children; p++) {
    const grandchildren = Math.min(rng.int(0, 2), 7 - nodes.length);
    for (let i = 0; i < grandchildren; i++) spawn(p);
  }
  // Breadth-first creation order: the host's children, then each one's in turn.
  const data: NamespaceData = { nodes };
  const answers = namespaceAnswers(data);
  return {
    kind: "namespaces",
    seed,
    title: "Pid and uts namespaces: what each process of a clone tree sees",
    question: render(data, answers, false),
    solution: render(data, answers, true),
    data,
    answers,
  };
}

/** What each process sees (the rules above), in the order of data.nodes. */
export function namespaceAnswers(data: NamespaceData): NamespaceAnswer[] {
  const namespaceOf: number[] = [];
  const nextPid = new Map<number, number>();
  const hostnames: string[] = [];
  return data.nodes.map((node, i) => {
    const parentNs = node.parent < 0 ? 0 : namespaceOf[node.parent];
    const ns = node.newPid ? i : parentNs;
    namespaceOf.push(ns);
    let pid = i + 1;
    if (ns !== 0) {
      pid = nextPid.get(ns) ?? 1;
      nextPid.set(ns, pid + 1);
    }
    const hostname = node.newUts ? (node.hostname ?? HOST) : node.parent < 0 ? HOST : hostnames[node.parent];
    hostnames.push(hostname);
    return { name: node.name, realPid: i + 1, pid, hostname };
  });
}

function render(d: NamespaceData, a: NamespaceAnswer[], withAnswers: boolean): string {
  const lines = [
    "One toy32 kernel, the timer off. The host's process (real pid 1, hostname toy32) and each",
    "process below fork all their children in the order listed, with clone(flags), then wait.",
    "A child with NEWUTS renames its new uts namespace at once. For each process: its real",
    "pid, the pid getpid returns in it, and the hostname it sees.",
    "",
    "  process  parent  flags                    real pid  getpid  hostname",
  ];
  d.nodes.forEach((n, i) => {
    const flags = [n.newPid ? "NEWPID" : "", n.newUts ? `NEWUTS (${n.hostname})` : ""].filter((f) => f !== "").join(" | ") || (i === 0 ? "" : "(fork)");
    const parent = n.parent < 0 ? "-" : d.nodes[n.parent].name;
    const x = a[i];
    const shown = (v: string | number) => (withAnswers || i === 0 ? String(v) : "?");
    lines.push(`  ${n.name.padEnd(7)}  ${parent.padEnd(6)}  ${flags.padEnd(23)}  ${shown(x.realPid).padStart(8)}  ${shown(x.pid).padStart(6)}  ${shown(x.hostname)}`);
  });
  return lines.join("\n");
}
