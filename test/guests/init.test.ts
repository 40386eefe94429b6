/**
 * init.s: a boot process named by a path on the disk execs it; one whose
 * exec fails says so and counts among the failed in the kernel's exit code.
 */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { bootKernel, processTable } from "../../src/guests/boot";
import { mkfs } from "../../src/guests/fs";
import { Hypervisor } from "../../src/hypervisor/hypervisor";
import { buildKernelImage } from "../../src/guests/loader";

const DISK = mkfs(path.join(__dirname, "kernel-programs", "disk"), { size: 256 * 1024 });

describe("init: programs from the disk at boot", () => {
  it("execs each disk program as its boot process, with argv; a failed exec is counted as failed", () => {
    const programs = [{ diskPath: "/echo", args: ["a", "b c"] }, { diskPath: "/missing" }, "hello"];
    const m = bootKernel({ programs, timerInterval: 0, machine: { disk: DISK } });
    const r = m.run({ maxCycles: 20_000_000 });
    // hello, in memory, runs while the other two wait for the disk
    expect(m.console.output).toBe("hello, world\necho argc=3 a b c\n[init] cannot exec /missing: no such executable on the disk\n");
    expect(`${r.reason} ${r.exitCode}`).toBe("halted 1");
    expect(processTable(m).map((p) => [p.pid, p.name, p.exitStatus])).toEqual([[1, "/echo", 7], [2, "/missing", -1], [3, "hello", 0]]);
  });

  it("does the same in a VM, paravirtualized", () => {
    const k = buildKernelImage({ programs: [{ diskPath: "/echo", args: ["x"] }], timerInterval: 0, platform: "paravirtual" });
    const hv = new Hypervisor();
    const vm = hv.createVm({ name: "init", memorySize: k.memoryBytes, image: k.image, paravirtual: true, disk: DISK });
    hv.start(vm);
    hv.run({ maxCycles: 20_000_000 });
    expect(vm.console).toBe("echo argc=2 x\n");
    expect(`${vm.state} ${vm.exitCode}`).toBe("halted 0");
  });

  it("refuses a relative path, a non-ASCII argument and too many arguments when the image is built", () => {
    expect(() => buildKernelImage({ programs: [{ diskPath: "echo" }] })).toThrow(/absolute path/);
    expect(() => buildKernelImage({ programs: [{ diskPath: "/echo", args: ["é"] }] })).toThrow(/not printable ASCII/);
    expect(() => buildKernelImage({ programs: [{ diskPath: "/echo", args: Array<string>(16).fill("x") }] })).toThrow(/at most 15/);
  });
});
