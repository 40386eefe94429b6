import { describe, expect, it } from "vitest";
import { balloonProblem, generateProblem } from "../../src/courseware/problems";
import { GuestOs, OvercommitHost } from "../../src/memory/overcommit";

describe("balloon problem: min-funding revocation with the idle memory tax", () => {
  it("gives the balloons the overcommitted host sets for the same VMs", () => {
    for (let seed = 0; seed < 25; seed++) {
      const { data, answers } = balloonProblem(seed);
      const host = new OvercommitHost({ machinePages: data.machinePages, taxRate: data.tau });
      const ids = data.vms.map((v) => host.addVm({ name: v.vm, pages: v.pages, shares: v.level }));
      // the host's shares come from the level and the VM's size, as the problem says
      data.vms.forEach((v) => expect(v.shares).toBe((v.pages / 256) * { low: 5, normal: 10, high: 20 }[v.level]));
      ids.forEach((vm, i) => host.setIdleEstimate(vm, data.vms[i].idleFraction));
      host.rebalance();
      expect(ids.map((vm) => host.balloonTarget(vm))).toEqual(answers.balloons);
      // and balloon drivers reach those targets
      ids.forEach((vm) => new GuestOs(host, vm, 1).balloonPoll());
      expect(ids.map((vm) => host.balloonSize(vm))).toEqual(answers.balloons);
      expect(answers.balloons.reduce((a, b) => a + b, 0)).toBe(data.vms.reduce((n, v) => n + v.pages, 0) - data.machinePages);
    }
  });

  it("is the same for the same seed, with every answer a ? in the question", () => {
    const p = generateProblem("balloon", 11);
    expect(p.question).toBe(balloonProblem(11).question);
    expect(p.question).toContain("first page from: ?");
    expect(p.solution).toMatch(/first page from: vm\d/);
  });
});
