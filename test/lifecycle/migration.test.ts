/**
 * Pre-copy live migration over TCP on the loopback: the migrated guest
 * prints what an uninterrupted one prints, under every technique; a
 * guest dirtying as fast as it can still migrates (the stop rules); a
 * dropped connection loses nothing; a hostile peer is refused.
 */
import * as net from "net";
import { describe, expect, it } from "vitest";
import { hostProcess } from "./helpers";
import { buildKernelImage, type KernelImage, type KernelPlatform } from "../../src/guests/loader";
import { Hypervisor, type HypervisorOptions } from "../../src/hypervisor/hypervisor";
import type { Vm } from "../../src/hypervisor/vm";
import {
  DEFAULT_RATE_LIMIT, MAX_ROUNDS, MESSAGE, MigrationHost, dirtierProgram, migrate, migrateLoopback, nextRate, stopReason, type Arrival, type MigrationSuccess,
} from "../../src/lifecycle";

const MEMORY = 1024 * 1024;
const images = new Map<string, KernelImage>();
/** The dirtier in a kernel of 1 MiB: busy (delay 0, 200 pages) or nearly idle. */
function dirtier(busy: boolean, platform: KernelPlatform = "native"): KernelImage {
  const key = `${busy} ${platform}`;
  let image = images.get(key);
  if (!image) {
    const program = dirtierProgram(busy ? { pages: 200, passes: 1000, delay: 0 } : { pages: 200, passes: 1, delay: 20_000 });
    images.set(key, (image = buildKernelImage({ programs: [program], timerInterval: 5_000, memoryBytes: MEMORY, platform })));
  }
  return image;
}

function start(options: HypervisorOptions, image: KernelImage, paravirtual = false): { hv: Hypervisor; vm: Vm } {
  const hv = new Hypervisor(options);
  const vm = hv.createVm({ name: "dirtier", memorySize: image.memoryBytes, image: image.image, paravirtual });
  hv.start(vm);
  return { hv, vm };
}

function uninterrupted(options: HypervisorOptions, image: KernelImage, paravirtual = false): string {
  const { hv, vm } = start(options, image, paravirtual);
  hv.run({ maxCycles: 1_000_000_000 });
  expect(vm.state).toBe("halted");
  return vm.console;
}

/** Migrates a VM that has run `after` cycles to a host in this process; returns the report and the arrived VM. */
async function migrateHere(options: HypervisorOptions, image: KernelImage, paravirtual = false, after = 300_000): Promise<{ report: MigrationSuccess; arrival: Arrival }> {
  const { hv, vm } = start(options, image, paravirtual);
  hv.run({ maxCycles: after });
  const { report, arrival } = await migrateLoopback(hv, vm);
  if (!report.ok) throw new Error(report.error);
  expect(vm.state).toBe("destroyed");
  if (arrival === undefined) throw new Error("the VM never arrived");
  return { report, arrival };
}

describe("Clark's rate limiting and Xen's stop rules", () => {
  const limit = DEFAULT_RATE_LIMIT;
  const outcome = { rounds: 1, bytesSentTotal: MEMORY, memoryBytes: MEMORY, pagesSent: 256, pagesDirtied: 100, rate: limit.minRate, limit };
  it("raises each round's rate to the last round's dirtying rate plus the increment, within the bounds", () => {
    expect(nextRate(limit, 0)).toBe(limit.minRate);
    expect(nextRate(limit, limit.minRate)).toBe(limit.minRate + limit.increment);
    expect(nextRate(limit, 10 * limit.maxRate)).toBe(limit.maxRate);
  });
  it("stops for each of its four reasons, and only then", () => {
    expect(stopReason(outcome)).toBeUndefined();
    expect(stopReason({ ...outcome, pagesDirtied: 49 })).toBe("few-pages-left");
    expect(stopReason({ ...outcome, rounds: MAX_ROUNDS })).toBe("rounds");
    expect(stopReason({ ...outcome, bytesSentTotal: 3 * MEMORY })).toBe("sent-3x-memory");
    expect(stopReason({ ...outcome, rate: limit.maxRate, pagesDirtied: 256 })).toBe("dirtying-faster-than-sending");
    expect(stopReason({ ...outcome, rate: limit.minRate, pagesDirtied: 256 })).toBeUndefined();
  });
});

const TECHNIQUES: readonly { label: string; options: HypervisorOptions; platform: KernelPlatform }[] = [
  { label: "trap-and-emulate", options: { technique: "trap-and-emulate" }, platform: "native" },
  { label: "binary-translation", options: { technique: "binary-translation" }, platform: "native" },
  { label: "hardware-assist (nested paging, the nested table write-protected)", options: { technique: "hardware-assist" }, platform: "native" },
  { label: "hardware-assist (shadow paging)", options: { technique: "hardware-assist", paging: "shadow" }, platform: "native" },
  { label: "paravirtual", options: { technique: "trap-and-emulate" }, platform: "paravirtual" },
];

describe("pre-copy live migration over TCP", () => {
  for (const { label, options, platform } of TECHNIQUES) {
    it(`under ${label}: a guest dirtying as fast as it can migrates, and prints what it prints without migrating`, async () => {
      const image = dirtier(true, platform);
      const pv = platform === "paravirtual";
      const want = uninterrupted(options, image, pv);
      const { report, arrival } = await migrateHere(options, image, pv);
      arrival.hv.run({ maxCycles: 1_000_000_000 });
      expect(arrival.vm.console).toBe(want);
      expect(arrival.vm.state).toBe("halted");
      expect(report.rounds.length).toBeGreaterThanOrEqual(2);
      expect(report.rounds.length).toBeLessThanOrEqual(MAX_ROUNDS);
      expect(report.rounds[0].pagesSent).toBe(MEMORY / 4096);
      for (let i = 1; i < report.rounds.length; i++) expect(report.rounds[i].rate).toBeGreaterThanOrEqual(report.rounds[i - 1].rate);
      expect(report.bytesSent).toBe(4096 * (report.rounds.reduce((n, r) => n + r.pagesSent, 0) + report.finalPages));
      expect(report.downtimeCycles).toBeLessThan(report.totalCycles);
    });
  }

  it("a nearly idle guest stops after one round with few pages left, and its downtime is a fraction of the busy one's", async () => {
    const options = { technique: "trap-and-emulate" } as const;
    const idle = await migrateHere(options, dirtier(false));
    const busy = await migrateHere(options, dirtier(true));
    expect(idle.report.stop).toBe("few-pages-left");
    expect(idle.report.rounds).toHaveLength(1);
    expect(busy.report.rounds.length).toBeGreaterThan(1);
    expect(idle.report.downtimeCycles * 4).toBeLessThan(busy.report.downtimeCycles);
    idle.arrival.hv.run({ maxCycles: 1_000_000_000 });
    expect(idle.arrival.vm.console).toBe(uninterrupted(options, dirtier(false)));
  });

  it("a connection dropped mid-migration leaves the VM running on the source, losing nothing", async () => {
    const options = { technique: "trap-and-emulate" } as const;
    const image = dirtier(true);
    const want = uninterrupted(options, image);
    // A target that takes the HELLO, says READY, and hangs up inside the first round.
    const server = net.createServer((socket) => {
      let received = 0;
      socket.on("data", (d: Buffer) => {
        if (received === 0) socket.write(Buffer.from([1, 0, 0, 0, MESSAGE.READY]));
        received += d.length;
        if (received > 100_000) socket.destroy();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const { hv, vm } = start(options, image);
    hv.run({ maxCycles: 300_000 });
    const report = await migrate(hv, vm, { port });
    server.close();
    expect(report.ok).toBe(false);
    expect(vm.state).toBe("running");
    expect(vm.dirtyLog).toBeUndefined();
    hv.run({ maxCycles: 1_000_000_000 });
    expect(vm.console).toBe(want);
  });

  it("a target that refuses the VM, and no target at all, are failures the source survives", async () => {
    const host = await MigrationHost.listen({ onArrival: () => undefined });
    const image = dirtier(false);
    const big = new Hypervisor({ technique: "trap-and-emulate", memoryBytes: 64 * 1024 * 1024 });
    const vm = big.createVm({ name: "too big", memorySize: 20 * 1024 * 1024, image: image.image });
    big.start(vm);
    const refused = await migrate(big, vm, { port: host.port });
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/refused the migration: .*memorySize 20971520 is not a whole number of pages up to 16777216/) });
    await host.close();
    const nobody = await migrate(big, vm, { port: host.port });
    expect(nobody).toMatchObject({ ok: false, error: expect.stringMatching(/cannot connect to 127\.0\.0\.1:\d+: ECONNREFUSED/) });
    expect(vm.state).toBe("running");
  });

  it("to a `vmlab host` process: the VM arrives and prints there what it prints without migrating", async () => {
    const options = { technique: "binary-translation" } as const;
    const image = dirtier(true);
    const want = uninterrupted(options, image);
    const host = await hostProcess();
    const port = host.port;
    const { hv, vm } = start(options, image);
    hv.run({ maxCycles: 300_000 });
    const report = await migrate(hv, vm, { port });
    expect(report.ok).toBe(true);
    const status = await host.exited;
    expect(host.stderr()).toMatch(/VM dirtier arrived from 127\.0\.0\.1:\d+/);
    expect(host.stdout()).toBe(want);
    expect(status).toBe(0);
  });
});
