/**
 * `vmlab problem namespaces` (src/courseware/problems/namespaces.ts): its
 * answers are what the kernel does. Each seed's clone tree is written as
 * a toy32 program, run, and every process's real pid, getpid and hostname
 * read back with namespaceView.
 */
import { describe, expect, it } from "vitest";
import { namespaceView } from "../../src/containers/view";
import { namespacesProblem, type NamespaceData } from "../../src/courseware/problems/namespaces";
import { bootKernel } from "../../src/guests/boot";

const CLONE_NEWUTS = 0x04000000;
const CLONE_NEWPID = 0x20000000;

/** The tree as one program: node i runs node_i, forks its children in order, waits for them, exits. */
function treeProgram(data: NamespaceData): string {
  const lines = ["        .text", "main:"];
  const text: string[] = [];
  const strings: string[] = ["        .data"];
  data.nodes.forEach((node, i) => {
    text.push(i === 0 ? "" : `node_${i}:`);
    if (node.newUts) {
      text.push("        li   a0, SYS_SETHOSTNAME", `        la   a1, name_${i}`, `        li   a2, ${node.hostname?.length ?? 0}`, "        sys");
      strings.push(`name_${i}: .ascii "${node.hostname}"`);
    }
    text.push(`        li   a0, ${i}`, "        call report");
    const kids = data.nodes.map((n, j) => [n, j] as const).filter(([n]) => n.parent === i);
    for (const [kid, j] of kids) {
      const flags = (kid.newPid ? CLONE_NEWPID : 0) | (kid.newUts ? CLONE_NEWUTS : 0);
      text.push(...(flags === 0 ? ["        li   a0, SYS_FORK"] : ["        li   a0, SYS_CLONE", `        li   a1, ${flags}`]), "        sys", `        beqz a0, node_${j}`);
    }
    for (let k = 0; k < kids.length; k++) text.push("        call wait");
    text.push("        li   a0, 0", "        call exit");
  });
  const report = [
    "# report: prints \"N PID HOSTNAME\\n\" for node a0, as this process sees them.",
    "report: push ra",
    "        call print_dec",
    "        la   a0, space",
    "        call print",
    "        call getpid",
    "        call print_dec",
    "        la   a0, space",
    "        call print",
    "        li   a0, SYS_GETHOSTNAME",
    "        la   a1, buf",
    "        li   a2, 16",
    "        sys",
    "        la   a0, buf",
    "        call print",
    "        la   a0, newline",
    "        call print",
    "        pop  ra",
    "        ret",
  ];
  strings.push('space: .asciz " "', 'newline: .asciz "\\n"', "        .align 4", "buf: .space 16");
  return [...lines, ...text, ...report, ...strings, ""].join("\n");
}

describe("vmlab problem namespaces", () => {
  it("gives the pids and hostnames the kernel gives, for 25 seeds", () => {
    for (let seed = 0; seed < 25; seed++) {
      const p = namespacesProblem(seed);
      const m = bootKernel({ programs: [{ name: "tree", source: treeProgram(p.data) }], timerInterval: 0 });
      expect(m.run({ maxCycles: 20_000_000 }).reason).toBe("halted");
      // Real pids from the host's view; getpid and the hostname as each process printed them
      // (a dead process's uts record may since be another namespace's).
      const real = namespaceView(m).sort((a, b) => a.pid - b.pid).map((v) => v.pid);
      const printed = m.console.output.trim().split("\n").map((l) => l.split(" ")).sort((a, b) => Number(a[0]) - Number(b[0]));
      const seen = printed.map(([, pid, hostname], i) => ({ realPid: real[i], pid: Number(pid), hostname }));
      expect({ seed, seen }).toEqual({ seed, seen: p.answers.map(({ realPid, pid, hostname }) => ({ realPid, pid, hostname })) });
    }
  });

  it("varies with the seed, is the same for the same seed, and hides its answers in the question", () => {
    const texts = new Set(Array.from({ length: 20 }, (_, s) => namespacesProblem(s).question));
    expect(texts.size).toBeGreaterThan(10);
    expect(namespacesProblem(7)).toEqual(namespacesProblem(7));
    const p = namespacesProblem(3);
    expect(p.question).toContain("?");
    expect(p.solution).not.toContain("?");
    expect(p.question.split("\n").every((l) => l.length <= 100)).toBe(true);
  });
});
