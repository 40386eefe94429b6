/**
 * Binary translation (Adams and Agesen 2006, section 3, VMware's
 * approach before VT-x): the guest kernel never runs on the CPU. While the
 * VCPU is in virtual kernel mode the hypervisor runs translated blocks of
 * it (translator.ts) out of a translation cache keyed by guest-physical
 * address; innocuous instructions were translated to plain JavaScript,
 * privileged and sensitive ones (pushf and popf included, which is why BT
 * needs no `virtualizable` machine) to callouts that emulate them on the
 * VCPU without any trap. Guest user code runs directly on the CPU, as
 * under trap-and-emulate: "BT is used only for guest kernel code; user
 * code runs directly" (ibid., 3.2).
 *
 *   virtual kernel mode                      virtual user mode
 *   +-----------------------------------+    +--------------------------+
 *   | pc -> shadow (fetch) -> gpa       |    | cpu.execute: native, in  |
 *   | cache[gpa] or translate           |<-->| real user mode, traps to |
 *   | block(r, runtime) -> next pc      |    | the interceptor          |
 *   +-----------------------------------+    +--------------------------+
 *      rett (a callout) leaves for user      a trap reflected into the
 *                                            guest kernel comes back here
 *
 * Memory accesses of translated code go through the same shadow page
 * tables the CPU uses (kernel view), with a one-page latch for loads and
 * one for stores; a miss is resolved exactly as a hidden page fault would
 * be. Stores to a page holding translated code drop its translations.
 * A store to one of the guest's own page tables (write-protected for
 * shadow paging's tracing) is done by the runtime and the shadows follow:
 * a callout, not a trap, which is adaptive binary translation's answer to
 * tracing faults (Adams and Agesen 2006, 3.3: "the translator ... adapts,
 * replacing the faulting instruction with a callout").
 */
import { CAUSE, PAGE_SIZE } from "../machine/isa";
import { COSTS } from "../machine/costs";
import type { Cpu } from "../machine/cpu";
import type { PhysicalMemory } from "../machine/memory";
import { emulate } from "./emulate";
import type { Access } from "../memory/guest-walk";
import type { ShadowPageTables } from "../memory/shadow-paging";
import { GRANULE_SHIFT, TranslationCache } from "./translation-cache";
import { translateBlock, type BtRuntime, type TranslatedBlock } from "./translator";
import type { TrapAndEmulate, VmmContext } from "./trap-and-emulate";
import type { Vm } from "./vm";

const NO_PAGE = 1;
const ACCESS_NAMES: readonly Access[] = ["load", "store", "fetch"];
const NEEDS = [0x1, 0x3, 0x9]; // V; V|W; V|X (PTE bits)

/** The runtime translated code of one VM calls (translator.ts's `h`). */
class Runtime implements BtRuntime {
  stop = false;
  n = 0;
  c = 0;
  private loadPage = NO_PAGE;
  private loadDelta = 0;
  private storePage = NO_PAGE;
  private storeDelta = 0;
  private deviceGpa = 0;
  private tracedGpa = 0;
  /** The shadow's generation when the latches were set: write protection may have grown since. */
  private latchGeneration = -1;
  readonly csr: Uint32Array;
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly shadow: ShadowPageTables;

  constructor(
    private readonly vm: Vm,
    private readonly memory: PhysicalMemory,
    private readonly te: TrapAndEmulate,
    private readonly ctx: VmmContext,
    readonly cache: TranslationCache,
    private readonly afterCallout: (vm: Vm) => void,
  ) {
    this.words = memory.words;
    this.bytes = memory.bytes;
    this.csr = vm.vcpu.csr;
    this.shadow = ctx.shadow(vm);
  }

  /** Forget the latches: the shadow may have changed. */
  resetLatches(): void {
    this.loadPage = this.storePage = NO_PAGE;
  }

  /** Machine address for a kernel-mode access, -1 (trap reflected), -2 (device at deviceGpa) or -3 (traced page table at tracedGpa). */
  address(va: number, access: 0 | 1 | 2, pc: number, k: number): number {
    for (let attempt = 0; attempt < 3; attempt++) {
      const pa = shadowLookup(this.words, this.ctx.shadow(this.vm).root("kernel"), va, NEEDS[access]);
      if (pa >= 0) return pa;
      const r = this.te.shadowMmu.resolve(this.vm, this.shadow, va, ACCESS_NAMES[access], false);
      if (r.kind === "fault") return this.fault(r.cause, va, pc, k);
      if (r.kind === "device") { this.deviceGpa = r.gpa; return -2; }
      if (r.kind === "traced") { this.tracedGpa = r.gpa; return -3; }
    }
    throw new Error(`binary translation: shadow fill for 0x${(va >>> 0).toString(16)} did not take`);
  }

  private fault(cause: number, badva: number, pc: number, k: number): number {
    this.vm.vcpu.pc = pc;
    this.n += k;
    this.c += k;
    this.stop = true;
    this.te.reflect(this.vm, cause, badva >>> 0);
    return -1;
  }

  /** Drops the latches if shadow entries were dropped or protected since they were set. */
  private checkLatches(): void {
    const g = this.shadow.generation;
    if (g !== this.latchGeneration) { this.resetLatches(); this.latchGeneration = g; }
  }

  private loadAddress(va: number, pc: number, k: number): number {
    this.checkLatches();
    if ((va & -PAGE_SIZE) === this.loadPage) return va + this.loadDelta;
    const pa = this.address(va, 0, pc, k);
    if (pa >= 0) { this.loadPage = va & -PAGE_SIZE; this.loadDelta = pa - va; }
    return pa;
  }

  private deviceRead(width: 1 | 4): number {
    const d = this.vm.devices.deviceAt(this.deviceGpa);
    this.vm.stats.deviceAccesses++;
    this.ctx.charge(COSTS.deviceAccess);
    return d ? d.read((this.deviceGpa - d.base) >>> 0, width) : 0;
  }

  lw(va: number, pc: number, k: number): number {
    if ((va & 3) !== 0) return this.fault(CAUSE.MISALIGNED, va, pc, k);
    const pa = this.loadAddress(va, pc, k);
    if (pa === -2) return this.deviceRead(4) | 0;
    return pa < 0 ? 0 : this.words[pa >> 2];
  }

  lb(va: number, pc: number, k: number): number {
    const pa = this.loadAddress(va, pc, k);
    if (pa === -2) return (this.deviceRead(1) << 24) >> 24;
    return pa < 0 ? 0 : (this.bytes[pa] << 24) >> 24;
  }

  lbu(va: number, pc: number, k: number): number {
    const pa = this.loadAddress(va, pc, k);
    if (pa === -2) return this.deviceRead(1) & 0xff;
    return pa < 0 ? 0 : this.bytes[pa];
  }

  /**
   * Machine address of a store; a store onto translated code (self-modifying
   * or freshly loaded code) drops the blocks covering it and ends this
   * block after the store, so no stale translation runs.
   */
  private storeAddress(va: number, pc: number, k: number): number {
    let pa: number;
    this.checkLatches();
    if ((va & -PAGE_SIZE) === this.storePage) pa = va + this.storeDelta;
    else {
      pa = this.address(va, 1, pc, k);
      if (pa < 0) return pa;
      this.storePage = va & -PAGE_SIZE;
      this.storeDelta = pa - va;
    }
    const gpa = pa - this.vm.base;
    if (this.cache.granules[gpa >>> GRANULE_SHIFT] !== 0) {
      this.cache.invalidateAt(gpa);
      this.vm.vcpu.pc = (pc + 4) >>> 0;
      this.n += k;
      this.c += k;
      this.stop = true;
    }
    return pa;
  }

  private deviceWrite(value: number, width: 1 | 4): void {
    const d = this.vm.devices.deviceAt(this.deviceGpa);
    this.vm.stats.deviceAccesses++;
    this.ctx.charge(COSTS.deviceAccess);
    d?.write((this.deviceGpa - d.base) >>> 0, width === 1 ? value & 0xff : value >>> 0, width);
  }

  /** A store to a traced page table: done here, then the shadows follow (a callout). */
  private tracedWrite(value: number, width: 1 | 4): void {
    const vm = this.vm;
    const ma = vm.pmap.machine(this.tracedGpa);
    if (width === 4) this.memory.writeWord(ma, value >>> 0);
    else this.memory.writeByte(ma, value & 0xff);
    vm.dirtyLog?.mark(this.tracedGpa);
    vm.stats.writeProtectTraps++;
    this.ctx.charge(COSTS.translatedCallout);
    this.te.shadowMmu.pageTableWritten(this.shadow, this.tracedGpa, true);
  }

  sw(va: number, value: number, pc: number, k: number): void {
    if ((va & 3) !== 0) { this.fault(CAUSE.MISALIGNED, va, pc, k); return; }
    const pa = this.storeAddress(va, pc, k);
    if (pa === -2) this.deviceWrite(value, 4);
    else if (pa === -3) this.tracedWrite(value, 4);
    else if (pa >= 0) this.words[pa >> 2] = value;
  }

  sb(va: number, value: number, pc: number, k: number): void {
    const pa = this.storeAddress(va, pc, k);
    if (pa === -2) this.deviceWrite(value, 1);
    else if (pa === -3) this.tracedWrite(value, 1);
    else if (pa >= 0) this.bytes[pa] = value;
  }

  priv(word: number, pc: number): number {
    const vm = this.vm;
    vm.vcpu.pc = pc;
    this.cache.stats.callouts++;
    this.ctx.charge(COSTS.translatedCallout);
    const outcome = emulate(vm.vcpu, word, this.te.monitor(vm));
    if (outcome === "illegal") this.te.reflect(vm, CAUSE.ILLEGAL_INSTRUCTION, word);
    else vm.stats.emulated++;
    this.resetLatches();
    if (!vm.ended) this.afterCallout(vm);
    return -1;
  }

  call(word: number, pc: number, k: number): void {
    this.priv(word, pc);
    const vcpu = this.vm.vcpu;
    if (vcpu.pc === ((pc + 4) >>> 0) && !this.vm.ended) return;
    this.n += k;
    this.c += k;
    this.stop = true;
  }

  /** Inlined popf just set IE: a pending interrupt may now be delivered. */
  ie(pc: number, k: number): void {
    const vcpu = this.vm.vcpu;
    vcpu.pc = (pc + 4) >>> 0;
    this.afterCallout(this.vm);
    if (vcpu.pc === ((pc + 4) >>> 0)) return;
    this.n += k;
    this.c += k;
    this.stop = true;
  }

  trap(cause: number, badva: number, pc: number): number {
    this.vm.vcpu.pc = pc;
    this.te.handle(this.vm, { cause, badva, epc: pc });
    this.resetLatches();
    return -1;
  }
}

/** Machine address of `va` through a shadow directory at `root`, or -1 if absent or not permitted. */
function shadowLookup(words: Int32Array, root: number, va: number, needs: number): number {
  const de = words[(root + ((va >>> 22) << 2)) >> 2];
  if ((de & 1) === 0) return -1;
  const pte = words[((de & -PAGE_SIZE) + (((va >>> 12) & 0x3ff) << 2)) >> 2];
  if ((pte & needs) !== needs) return -1;
  return (pte & -PAGE_SIZE) | (va & 0xfff);
}

export class BinaryTranslator {
  private readonly runtimes = new Map<Vm, Runtime>();

  constructor(
    private readonly memory: PhysicalMemory,
    private readonly cpu: Cpu,
    private readonly te: TrapAndEmulate,
    private readonly ctx: VmmContext,
    private readonly afterCallout: (vm: Vm) => void,
  ) {}

  /** The VM's translation cache (created on first use). */
  cache(vm: Vm): TranslationCache {
    return this.runtime(vm).cache;
  }

  forget(vm: Vm): void {
    this.runtimes.delete(vm);
  }

  private runtime(vm: Vm): Runtime {
    let rt = this.runtimes.get(vm);
    if (!rt) {
      rt = new Runtime(vm, this.memory, this.te, this.ctx, new TranslationCache(vm.memorySize), this.afterCallout);
      this.runtimes.set(vm, rt);
    }
    return rt;
  }

  /** True if machine page `machine` of the current VM holds translated code. */
  isCode(vm: Vm, machine: number): boolean {
    const rt = this.runtimes.get(vm);
    return rt !== undefined && rt.cache.hasCode((machine - vm.base) >>> 12);
  }

  codeWritten(vm: Vm, machine: number): void {
    this.runtimes.get(vm)?.cache.invalidatePage((machine - vm.base) >>> 12);
  }

  /**
   * Runs the VM's kernel as translated code until it leaves virtual kernel
   * mode, ends, is descheduled, or the machine's clock reaches `end`.
   */
  run(vm: Vm, end: number, scheduler: { readonly descheduled: boolean }): void {
    const rt = this.runtime(vm);
    const vcpu = vm.vcpu;
    const regs = vcpu.regs;
    const shadow = this.ctx.shadow(vm);
    rt.resetLatches();
    let prev: TranslatedBlock | undefined;
    while (vcpu.kernelMode && !vm.ended && !scheduler.descheduled && this.cpu.cycles < end) {
      // Chaining: a block remembers the block that last followed it, valid
      // while no mapping or translation has been dropped since.
      const generation = shadow.generation + rt.cache.generation;
      let block: TranslatedBlock | undefined;
      if (prev !== undefined && prev.linkPc === vcpu.pc && prev.linkGeneration === generation) {
        block = prev.link;
        rt.cache.stats.hits++;
      } else {
        block = this.blockAt(vm, rt);
        if (prev !== undefined && block !== undefined) {
          prev.linkPc = vcpu.pc;
          prev.link = block;
          prev.linkGeneration = shadow.generation + rt.cache.generation;
        }
      }
      prev = block;
      if (!block) continue;
      rt.stop = false;
      rt.n = 0;
      rt.c = 0;
      const next = block.run(regs, rt);
      regs[0] = 0;
      block.executions++;
      rt.cache.stats.executions++;
      vcpu.cycles += rt.c;
      vcpu.instructions += rt.n;
      this.cpu.cycles += rt.c;
      if (next >= 0) vcpu.pc = next;
    }
  }

  /** The block of guest code at `va`, guest-physical `gpa`, translated (up to the end of its page). */
  private translate(vm: Vm, va: number, gpa: number): TranslatedBlock {
    const pageEnd = (gpa | 0xfff) + 1;
    const words = this.memory.words;
    const pa = vm.base + gpa;
    return translateBlock(va, gpa, (i) => (gpa + 4 * i < pageEnd ? words[(pa + 4 * i) >> 2] >>> 0 : undefined));
  }

  /** The VM's translated blocks as [va, gpa], in the order they were made (for a snapshot: derived-state.ts). */
  savedBlocks(vm: Vm): number[][] {
    return this.runtimes.get(vm)?.cache.inOrder().map((b) => [b.va, b.gpa]) ?? [];
  }

  /**
   * Translates saved blocks again from the VM's memory, as they were (their
   * pages are already write-protected in the restored shadows). Done before
   * the VM runs, outside its time. Throws on a block outside the VM.
   */
  restoreBlocks(vm: Vm, blocks: readonly (readonly number[])[]): void {
    const rt = this.runtime(vm);
    for (const [va, gpa] of blocks) {
      if (!Number.isInteger(gpa) || (gpa & 3) !== 0 || gpa < 0 || gpa + 4 > vm.memorySize) throw new Error(`translated block at gpa ${gpa}: not an aligned address of the VM`);
      if (!rt.cache.has(gpa)) rt.cache.insert(this.translate(vm, va >>> 0, gpa));
    }
  }

  /** The translation of the block at vcpu.pc, translating it if needed; undefined if fetching trapped. */
  private blockAt(vm: Vm, rt: Runtime) {
    const pc = vm.vcpu.pc;
    if ((pc & 3) !== 0) { this.te.reflect(vm, CAUSE.MISALIGNED, pc); return undefined; }
    const pa = rt.address(pc, 2, pc, 0);
    if (pa < 0) {
      if (pa === -2) this.te.reflect(vm, CAUSE.PAGE_FAULT_FETCH, pc);
      return undefined;
    }
    const gpa = pa - vm.base;
    const cached = rt.cache.lookup(gpa);
    if (cached) return cached;
    const block = this.translate(vm, pc, gpa);
    const firstOnPage = !rt.cache.hasCode(gpa >>> 12);
    rt.cache.insert(block);
    this.ctx.charge(COSTS.translateInstruction * block.length);
    if (firstOnPage) {
      // Write-protect the page for code that runs natively: user-view
      // shadow entries are rebuilt, read-only for this page.
      this.ctx.shadow(vm).clearView("user");
      this.ctx.flushRealTlb();
    }
    return block;
  }
}
