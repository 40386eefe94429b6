/**
 * Post-copy live migration over TCP on the loopback (Hines and Gopalan
 * 2009): the VM resumes on the target from its state alone and its pages
 * follow, on demand and pushed; the migrated guest prints exactly what an
 * uninterrupted one prints; every page crosses once; the downtime is the
 * state's alone. A connection dropped after the resume loses the VM, and
 * both sides say so; one dropped before it loses nothing.
 */
import * as net from "net";
import { describe, expect, it } from "vitest";
import { hostProcess } from "./helpers";
import { buildKernelImage, type KernelImage } from "../../src/guests/loader";
import { Hypervisor, type HypervisorOptions } from "../../src/hypervisor/hypervisor";
import type { Vm } from "../../src/hypervisor/vm";
import { MigrationHost, dirtierProgram, migrateLoopback, migratePostcopy, migratePostcopyLoopback } from "../../src/lifecycle";

const MEMORY = 1024 * 1024;
const PAGES = MEMORY / 4096;
const NESTED: HypervisorOptions = { technique: "hardware-assist" };
const images = new Map<boolean, KernelImage>();
/** The dirtier in a kernel of 1 MiB with the timer on: busy (no delay) or nearly idle. */
function dirtier(busy: boolean): KernelImage {
  let image = images.get(busy);
  if (!image) {
    const program = dirtierProgram(busy ? { pages: 200, passes: 300, delay: 0 } : { pages: 200, passes: 1, delay: 20_000 });
    images.set(busy, (image = buildKernelImage({ programs: [program], timerInterval: 5_000, memoryBytes: MEMORY })));
  }
  return image;
}

function start(image: KernelImage, options: HypervisorOptions = NESTED, after = 0): { hv: Hypervisor; vm: Vm } {
  const hv = new Hypervisor(options);
  const vm = hv.createVm({ name: "dirtier", memorySize: image.memoryBytes, image: image.image });
  hv.start(vm);
  if (after > 0) hv.run({ maxCycles: after });
  return { hv, vm };
}

function uninterrupted(image: KernelImage): string {
  const { hv, vm } = start(image);
  hv.run({ maxCycles: 1_000_000_000 });
  expect(vm.state).toBe("halted");
  return vm.console;
}

describe("post-copy live migration over TCP", () => {
  for (const busy of [true, false]) {
    it(`a ${busy ? "busy" : "nearly idle"} guest resumes on the target at once, fetches pages on demand, and prints what it prints unmigrated`, async () => {
      const image = dirtier(busy);
      const { hv, vm } = start(image, NESTED, 2_000_000);
      const { report, arrival } = await migratePostcopyLoopback(hv, vm);
      if (!report.ok || arrival === undefined) throw new Error(report.ok ? "no arrival" : report.error);
      expect(vm.state).toBe("destroyed");
      expect(arrival.vm.remote).toBeUndefined();
      arrival.hv.run({ maxCycles: 1_000_000_000 });
      expect(arrival.vm.console).toBe(uninterrupted(image));
      expect(arrival.vm.state).toBe("halted");
      // Every page crosses exactly once, asked for or pushed.
      expect(report.bytesSent).toBe(MEMORY);
      expect(report.demandedPages + report.pushedPages).toBe(PAGES);
      expect(report.demandFaults).toBeGreaterThanOrEqual(1);
      expect(report.demandedPages).toBeLessThanOrEqual(report.demandFaults);
      expect(report.downtimeCycles).toBeLessThan(report.totalCycles);
    });
  }

  it("has a downtime of its state alone, far below pre-copy's for a busy guest, and sends less", async () => {
    const post = await migratePostcopyLoopback(...vmOf(start(dirtier(true), NESTED, 2_000_000)));
    const pre = await migrateLoopback(...vmOf(start(dirtier(true), NESTED, 2_000_000)));
    if (!post.report.ok || !pre.report.ok) throw new Error("a migration failed");
    expect(post.report.downtimeCycles * 100).toBeLessThan(pre.report.downtimeCycles);
    expect(post.report.bytesSent).toBeLessThan(pre.report.bytesSent);
    expect(post.report.downtimeCycles).toBe(Math.ceil((post.report.stateBytes / 4e9) * 1e9));
  });

  it("a connection dropped after the resume loses the VM: the target cannot go on, the source's copy is stale, both say so", async () => {
    const failures: string[] = [];
    const host = await MigrationHost.listen({ onArrival: () => { throw new Error("the VM must not arrive"); }, onFailure: (_, m) => failures.push(m) });
    // A relay that cuts both ways once 200 KB have gone from the source to the target: after STATE, among the pages.
    const relay = net.createServer((from) => {
      const to = net.connect({ host: "127.0.0.1", port: host.port });
      let forwarded = 0;
      from.on("data", (d: Buffer) => {
        forwarded += d.length;
        if (forwarded > 200_000) { from.destroy(); to.destroy(); } else to.write(d);
      });
      to.on("data", (d: Buffer) => from.write(d));
      from.on("error", () => to.destroy());
      to.on("error", () => from.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, "127.0.0.1", () => r()));
    const { hv, vm } = start(dirtier(true), NESTED, 2_000_000);
    const report = await migratePostcopy(hv, vm, { port: (relay.address() as net.AddressInfo).port });
    relay.close();
    for (let i = 0; i < 100 && failures.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await host.close();
    expect(report.ok).toBe(false);
    if (report.ok) return;
    expect(report.resumed).toBe(true);
    expect(report.pagesLeft).toBeGreaterThan(0);
    expect(report.error).toMatch(/the VM had resumed at the target with \d+ of its pages still here, so neither copy can go on/);
    expect(vm.state).toBe("terminated");
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^post-copy: .*; \d+ of the VM's pages never came from the source, so it cannot go on$/);
  });

  it("a target that refuses post-copy (no nested paging) leaves the VM running on the source, losing nothing", async () => {
    const image = dirtier(true);
    const { hv, vm } = start(image, { technique: "trap-and-emulate" }, 300_000);
    const { report } = await migratePostcopyLoopback(hv, vm);
    expect(report).toMatchObject({ ok: false, resumed: false, error: expect.stringMatching(/refused the migration: .*post-copy needs hardware assist with nested paging/) });
    expect(vm.state).toBe("running");
    hv.run({ maxCycles: 1_000_000_000 });
    expect(vm.console).toBe(uninterrupted(image));
  });
});

describe("post-copy to a `vmlab host` process", () => {
  it("the VM resumes there, fetches its pages from this process, and prints there what it prints unmigrated", async () => {
    const image = dirtier(true);
    const host = await hostProcess();
    const port = host.port;
    const { hv, vm } = start(image, NESTED, 1_000_000);
    const report = await migratePostcopy(hv, vm, { port });
    const status = await host.exited;
    expect(report).toMatchObject({ ok: true, bytesSent: MEMORY });
    expect(host.stdout()).toBe(uninterrupted(image));
    expect(host.stderr()).toMatch(/VM dirtier arrived from 127\.0\.0\.1:\d+/);
    expect(status).toBe(0);
  });
});

function vmOf(s: { hv: Hypervisor; vm: Vm }): [Hypervisor, Vm] {
  return [s.hv, s.vm];
}
