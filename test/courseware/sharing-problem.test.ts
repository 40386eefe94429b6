import { describe, expect, it } from "vitest";
import { generateProblem, sharingProblem } from "../../src/courseware/problems";
import { OvercommitHost, patternPage } from "../../src/memory/overcommit";

/** Runs the problem's pages through the real sharing scanner and counts frames in use. */
function simulate(vms: readonly (readonly string[])[], write: { vm: number; page: number }): number[] {
  const host = new OvercommitHost({ machinePages: 64 });
  const ids = vms.map((pages, i) => host.addVm({ name: `vm${i}`, pages: pages.length }));
  vms.forEach((pages, v) => pages.forEach((c, p) => host.fillFromGuestIo(ids[v], p, c === "0" ? new Uint8Array(4096) : patternPage(c.charCodeAt(0)))));
  const used = (): number => host.frames.count - host.frames.free;
  const before = used();
  host.scanForSharing(1000);
  const afterScan = used();
  host.write(ids[write.vm], write.page, 0, 12345);
  return [before, afterScan, used()];
}

describe("sharing problem: frames before and after a scan and a copy-on-write", () => {
  it("gives the answers the real scanner gives, for many seeds", () => {
    for (let seed = 0; seed < 40; seed++) {
      const { data, answers } = sharingProblem(seed);
      const [before, afterScan, afterWrite] = simulate(data.vms, data.write);
      expect(answers.framesBefore).toBe(before);
      expect(answers.framesAfterScan).toBe(afterScan);
      expect(answers.framesSaved).toBe(before - afterScan);
      expect(answers.framesAfterWrite).toBe(afterWrite);
    }
  });

  it("is the same problem for the same seed, every answer a ? in the question", () => {
    const p = generateProblem("sharing", 7);
    expect(p.question).toBe(sharingProblem(7).question);
    expect(p.question).toContain("frames saved:");
    expect(p.question).not.toMatch(/: +\d+$/m);
    expect(p.solution).toMatch(/frames saved: +\d+/);
  });
});
