/**
 * A VM's disk (virtual-devices.ts): its DMA reaches only the VM's own
 * memory, its requests finish on the VM's clock, and its interrupt is
 * made pending on the VM's VCPU; the paravirtual DISK_START hypercall
 * drives the same model and refuses what the registers would.
 */
import { describe, expect, it } from "vitest";
import { COSTS } from "../../src/machine/costs";
import { DISK_COMMAND, DISK_REG, DISK_STATUS, SECTOR_SIZE } from "../../src/machine/devices/disk";
import { CAUSE } from "../../src/machine/isa";
import { Hypervisor } from "../../src/hypervisor/hypervisor";
import { EBUSY, EINVAL, dispatchHypercall, HYPERCALL } from "../../src/hypervisor/hypercalls";
import { ParavirtualGuest } from "../../src/hypervisor/paravirtual";
import { fileWriteProgram, forkLoopProgram, runBare, runVirtualized, workloadImage } from "../../src/hypervisor/workloads";
import { buildImage } from "../../src/guests/fs";

const MEMORY = 64 * 1024;
const image = Uint8Array.from({ length: 8 * SECTOR_SIZE }, (_, i) => (i * 7 + 3) & 0xff);

function twoVms(): { hv: Hypervisor; a: ReturnType<Hypervisor["createVm"]>; b: ReturnType<Hypervisor["createVm"]> } {
  const hv = new Hypervisor();
  const a = hv.createVm({ name: "a", memorySize: MEMORY, image: new Uint8Array(16), disk: image });
  const b = hv.createVm({ name: "b", memorySize: MEMORY, image: new Uint8Array(16) });
  return { hv, a, b };
}

function request(vm: ReturnType<Hypervisor["createVm"]>, sector: number, dma: number, count: number, command: number): void {
  const d = vm.devices.disk;
  d.write(DISK_REG.SECTOR, sector);
  d.write(DISK_REG.DMA, dma);
  d.write(DISK_REG.COUNT, count);
  d.write(DISK_REG.COMMAND, command);
}

describe("a VM's virtual disk", () => {
  it("reads into the VM's own memory when the VM's clock reaches the request's end, then raises DISK", () => {
    const { hv, a } = twoVms();
    request(a, 2, 0x1000, 2, DISK_COMMAND.READ);
    expect(a.devices.disk.status).toBe(DISK_STATUS.BUSY);
    a.vcpu.cycles += COSTS.diskLatency + 2 * COSTS.diskSectorTransfer - 1;
    a.collectDue();
    expect(a.vcpu.pendingInterrupts).toBe(0);
    a.vcpu.cycles += 1;
    a.collectDue();
    expect(a.devices.disk.status).toBe(DISK_STATUS.DONE);
    expect(a.vcpu.takeInterrupt()).toBe(CAUSE.DISK);
    expect(hv.memory.readBytes(a.base + 0x1000, 2 * SECTOR_SIZE)).toEqual(image.subarray(2 * SECTOR_SIZE, 4 * SECTOR_SIZE));
  });

  it("refuses DMA past the VM's memory (another VM's, the hypervisor's) with ERROR, moving nothing", () => {
    const { hv, a, b } = twoVms();
    const before = hv.memory.readBytes(b.base, MEMORY);
    for (const dma of [MEMORY - SECTOR_SIZE + 4, MEMORY, b.base - a.base, 0xfffffe00]) {
      a.devices.disk.write(DISK_REG.STATUS, 0);
      request(a, 0, dma, 1, DISK_COMMAND.READ);
      expect(a.devices.disk.status).toBe(DISK_STATUS.ERROR);
    }
    expect(hv.memory.readBytes(b.base, MEMORY)).toEqual(before);
    expect(a.vcpu.takeInterrupt()).toBe(CAUSE.DISK);
  });

  it("a VM without a disk image has an empty disk: every request is an error", () => {
    const { b } = twoVms();
    request(b, 0, 0x1000, 1, DISK_COMMAND.READ);
    expect(b.devices.disk.status).toBe(DISK_STATUS.ERROR);
  });

  it("DISK_START / DISK_STATUS / DISK_INFO drive the same disk, and refuse a bad buffer, a block past the end, a busy disk", () => {
    const { hv, a } = twoVms();
    const guest = new ParavirtualGuest(a, hv.memory);
    const call = (name: string, a1 = 0, a2 = 0, a3 = 0): number => dispatchHypercall(guest, HYPERCALL[name], a1, a2, a3).result;
    expect(call("DISK_INFO")).toBe(4);
    expect(call("DISK_START", 0, MEMORY - 512, 0)).toBe(EINVAL);
    expect(call("DISK_START", 4, 0x2000, 0)).toBe(EINVAL);
    expect(call("DISK_START", 1, 0x2000, 0)).toBe(0);
    expect(call("DISK_START", 1, 0x2000, 0)).toBe(EBUSY);
    a.vcpu.cycles += COSTS.diskLatency + 2 * COSTS.diskSectorTransfer;
    a.collectDue();
    expect(call("DISK_STATUS")).toBe(0);
    expect(a.devices.disk.status).toBe(DISK_STATUS.IDLE);
    expect(hv.memory.readBytes(a.base + 0x2000, 1024)).toEqual(image.subarray(1024, 2048));
    expect(dispatchHypercall(guest, HYPERCALL.DISK_START, 0, 0x2000, 0).extraCycles).toBe(COSTS.pvDiskRequest);
  });
});

describe("a VM's time waiting for its disk", () => {
  // A VM's clock jumps over its idle waits (wfi with nothing due), which
  // cost the machine no cycles; WorkloadRun.elapsed adds them back, so a
  // rate of I/O-bound work compares with bare metal's, whose wfi spends them.
  const disk = buildImage({ kind: "directory", entries: new Map() });
  const image = workloadImage(fileWriteProgram(8));
  const bare = runBare(image, { disk });

  it("is counted in idleCycles and elapsed: binary translation's machine cycles alone undercut bare metal's, its elapsed ones do not", () => {
    const bt = runVirtualized(image, "binary-translation", { disk });
    expect(bt.console).toBe(bare.console);
    const idle = bt.stats?.idleCycles ?? 0;
    expect(idle).toBeGreaterThan(0);
    expect(bt.elapsed).toBe(bt.cycles + idle);
    expect(bt.cycles).toBeLessThan(bare.cycles);
    expect(bt.elapsed).toBeGreaterThan(bare.elapsed);
    expect(bare.elapsed).toBe(bare.cycles);
  });

  it("is zero for a VM that never waits (no disk, no timer)", () => {
    const run = runVirtualized(workloadImage(forkLoopProgram(3)), "trap-and-emulate");
    expect(run.stats?.idleCycles).toBe(0);
    expect(run.elapsed).toBe(run.cycles);
  });
});
