/**
 * Paravirtual MMU updates (Barham et al. 2003, 3.3.1): every (ptr, val)
 * request validated (the entry and the frame the VM's own, no live page
 * table mapped writable), the shadows following each applied update, and
 * batches of the size the guest chooses against one hypercall per PTE.
 */
import { describe, expect, it } from "vitest";
import { PTE } from "../../src/machine/isa";
import { Hypervisor } from "../../src/hypervisor/hypervisor";
import { ParavirtualGuest } from "../../src/hypervisor/paravirtual";
import { dispatchHypercall, EINVAL, HYPERCALL } from "../../src/hypervisor/hypercalls";
import { buildParavirtualKernelImage, DEFAULT_MMU_BATCH } from "../../src/hypervisor/paravirtual-kernel";
import { assembleKernel } from "../../src/guests/loader";
import { forkLoopProgram, runBare, workloadImage } from "../../src/hypervisor/workloads";
import { validateUpdate } from "../../src/memory/mmu-update";
import { UserError } from "../../src/errors";

const DIR = 0x4000, TABLE = 0x5000, DATA = 0x6000;

/** A 64 KiB paravirtual VM whose shadow traces DIR and TABLE (va 0 -> DATA was filled through them). */
function traced() {
  const hv = new Hypervisor();
  const vm = hv.createVm({ name: "pv", memorySize: 64 * 1024, image: new Uint8Array(4), paravirtual: true });
  const shadow = hv.shadow(vm);
  hv.memory.writeWord(vm.pmap.machine(DIR), TABLE | PTE.V);
  hv.memory.writeWord(vm.pmap.machine(TABLE), DATA | PTE.V | PTE.W);
  shadow.switchTo(DIR);
  shadow.install("kernel", 0, DATA, PTE.V | PTE.W, TABLE);
  return { hv, vm, shadow, guest: new ParavirtualGuest(vm, hv.memory, shadow) };
}

describe("MMU_UPDATE validation", () => {
  it("refuses foreign frames, foreign entries and writable mappings of live page tables; allows them read-only", () => {
    const { vm, shadow } = traced();
    const v = (ptr: number, val: number) => validateUpdate(vm.pmap, shadow, ptr, val);
    expect(v(TABLE + 4, DATA | PTE.V | PTE.W | PTE.U)).toBe("ok");
    expect(v(TABLE + 4, (0x10000 | PTE.V) >>> 0)).toBe("foreign-frame"); // one page past the VM
    expect(v(TABLE + 4, (0xfff00000 | PTE.V | PTE.W) >>> 0)).toBe("foreign-frame");
    expect(v(0x10000, DATA | PTE.V)).toBe("foreign-entry");
    expect(v(TABLE + 2, DATA | PTE.V)).toBe("misaligned");
    expect(v(TABLE + 4, TABLE | PTE.V | PTE.W)).toBe("writable-page-table");
    expect(v(TABLE + 4, DIR | PTE.V | PTE.W | PTE.U)).toBe("writable-page-table");
    expect(v(TABLE + 4, TABLE | PTE.V)).toBe("ok"); // read-only: the guest may read its tables
    expect(v(TABLE + 4, 0x00abc000)).toBe("ok"); // V clear maps nothing
  });
  it("through the hypercall: a writable mapping of a page table is refused and memory stays as it was", () => {
    const { hv, vm, guest } = traced();
    hv.memory.writeWord(vm.pmap.machine(0x1000), TABLE + 8);
    hv.memory.writeWord(vm.pmap.machine(0x1004), TABLE | PTE.V | PTE.W);
    expect(dispatchHypercall(guest, HYPERCALL.MMU_UPDATE, 0x1000, 1, 0).result).toBe(EINVAL);
    expect(hv.memory.readWord(vm.pmap.machine(TABLE + 8))).toBe(0);
    expect(guest.pageTableWrites).toEqual([]);
  });
  it("a table of an address space that is gone is no page table any more: mapping it writable is allowed", () => {
    const { vm, shadow } = traced();
    shadow.switchTo(0x7000); // another address space: DIR and TABLE are no longer live
    expect(shadow.isPageTable(TABLE >>> 12)).toBe(true);
    expect(validateUpdate(vm.pmap, shadow, 0x7000 + 4, TABLE | PTE.V | PTE.W)).toBe("ok");
    expect(shadow.isPageTable(TABLE >>> 12)).toBe(false);
  });
  it("an applied update is handed to the shadows, which drop the entries derived from it without counting a trap", () => {
    const { hv, vm, shadow } = traced();
    expect(shadow.mappings().length).toBe(1);
    hv.memory.writeWord(vm.pmap.machine(0x1000), TABLE);
    hv.memory.writeWord(vm.pmap.machine(0x1004), 0);
    const guest = new ParavirtualGuest(vm, hv.memory, shadow);
    dispatchHypercall(guest, HYPERCALL.MMU_UPDATE, 0x1000, 1, 0);
    expect(guest.pageTableWrites).toEqual([TABLE]);
    shadow.guestWrote(TABLE, false);
    expect(shadow.mappings()).toEqual([]);
    expect(shadow.stats.writeProtectTraps).toBe(0); // no trap: the hypervisor was told
  });
});

describe("MMU_UPDATE batches", () => {
  const bare = runBare(workloadImage(forkLoopProgram(10)));
  function pv(mmuBatch: number) {
    const image = buildParavirtualKernelImage({ programs: [forkLoopProgram(10)], timerInterval: 0, mmuBatch });
    const hv = new Hypervisor({ sliceCycles: 1_000_000 });
    const vm = hv.createVm({ name: "pv", memorySize: image.memoryBytes, image: image.image, paravirtual: true });
    hv.start(vm);
    const report = hv.run({ maxCycles: 2_000_000_000 });
    expect(vm.state).toBe("halted");
    expect(vm.console).toBe(bare.console);
    return { hypercalls: vm.stats.hypercalls, cycles: report.cycles };
  }
  it("of the guest's chosen size make fewer hypercalls and cycles than one per PTE, with bare metal's output", () => {
    const one = pv(1), sixteen = pv(16);
    expect(sixteen.hypercalls).toBeLessThan(one.hypercalls * 0.8);
    expect(sixteen.cycles).toBeLessThan(one.cycles);
  });
  it("the kernel's own batch word is DEFAULT_MMU_BATCH, and mmuBatch patches it", () => {
    const at = assembleKernel("paravirtual").symbols.get("pv_mmu_batch") as number;
    const word = (image: Uint8Array) => new DataView(image.buffer, image.byteOffset).getUint32(at, true);
    expect(word(buildParavirtualKernelImage({ programs: ["hello"] }).image)).toBe(DEFAULT_MMU_BATCH);
    expect(word(buildParavirtualKernelImage({ programs: ["hello"], mmuBatch: 3 }).image)).toBe(3);
  });
  it("refuses a batch size the kernel's queue cannot hold, in one line", () => {
    expect(() => buildParavirtualKernelImage({ programs: ["hello"], mmuBatch: 65 })).toThrow(UserError);
    expect(() => buildParavirtualKernelImage({ programs: ["hello"], mmuBatch: 0 })).toThrow(/mmuBatch must be a whole number from 1 to 64, not 0/);
  });
});
