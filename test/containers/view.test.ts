/**
 * The host's view of the kernel's namespaces and resource groups
 * (src/containers/view.ts), read from guest memory while two containers
 * run: each process's real pid, its pid inside, its hostname, uids and
 * group, as the guest programs that made them set them up.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { NAMESPACE_LAYOUT, groupView, namespaceView } from "../../src/containers/view";
import { bootKernel } from "../../src/guests/boot";
import { KERNEL_PLATFORMS, assembleKernel } from "../../src/guests/loader";

const source = fs.readFileSync(path.join(__dirname, "programs", "two-containers.s"), "utf8");

describe("namespaceView and groupView", () => {
  it("agree with the kernel's own layout constants on every platform", () => {
    for (const platform of KERNEL_PLATFORMS) {
      const constants = assembleKernel(platform).constants;
      for (const [name, value] of Object.entries(NAMESPACE_LAYOUT)) expect(`${platform} ${name} = ${constants.get(name)}`).toBe(`${platform} ${name} = ${value}`);
    }
  });

  for (const platform of ["native", "software-tlb"] as const) {
    it(`show each process's pids, hostname, uids and group while the containers run (${platform})`, () => {
      const m = bootKernel({ programs: [{ name: "shell", source }], platform, timerInterval: 0 });
      const r = m.run({ maxCycles: 3_000_000 });
      expect(r.reason).not.toBe("halted");
      const view = namespaceView(m).map(({ pid, pidNamespace, pidInside, hostname, userNamespace, uid, outsideUid, group }) => ({ pid, pidNamespace, pidInside, hostname, userNamespace, uid, outsideUid, group }));
      expect(view).toEqual([
        { pid: 1, pidNamespace: 0, pidInside: 1, hostname: "toy32", userNamespace: 0, uid: 0, outsideUid: 0, group: 0 },
        { pid: 2, pidNamespace: 1, pidInside: 1, hostname: "web", userNamespace: 0, uid: 0, outsideUid: 0, group: 1 },
        { pid: 3, pidNamespace: 2, pidInside: 1, hostname: "db", userNamespace: 1, uid: 0, outsideUid: 0, group: 0 },
        { pid: 4, pidNamespace: 1, pidInside: 2, hostname: "web", userNamespace: 0, uid: 0, outsideUid: 0, group: 1 },
      ]);
      expect(groupView(m)).toEqual([{ group: 1, pidsMax: 3, pidsCurrent: 2 }]);
    });
  }

  it("refuses a machine the kernel was not booted on, with a message", () => {
    const m = bootKernel({ programs: [{ name: "shell", source }] });
    const other = Object.create(m) as typeof m;
    expect(() => namespaceView(other)).toThrow(/not booted with bootKernel/);
  });
});
