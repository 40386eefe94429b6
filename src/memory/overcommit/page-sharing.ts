/**
 * Content-based page sharing, as Waldspurger 2002 section 4.2 describes
 * it for ESX Server: a scanner visits guest pages at a configurable rate,
 * hashes each page's contents, and looks the hash up in one global table.
 *
 *   hash table (hash -> entry)
 *   +----------+----------------------------------------------------------+
 *   | h(page)  | hint:   one unshared page (vm, ppn, frame) seen earlier  |
 *   |          |         with this hash; it may have changed since, so a  |
 *   |          |         match re-hashes it before trusting it            |
 *   | h(page)  | shared: a frame mapped copy-on-write into every page     |
 *   |          |         with these contents, with a reference count      |
 *   +----------+----------------------------------------------------------+
 *
 * "If the hash value for the page matches an existing entry, it is
 * possible, but not certain, that the pages are identical. ... a full
 * comparison of the page contents is performed." A match with a hint
 * makes a new shared frame (the hint's), a match with a shared frame adds
 * a reference; either way the scanned page's own frame is freed. The
 * first write to a shared page breaks sharing: the hypervisor copies the
 * frame (`breakSharing`), so no VM ever sees another's write.
 */
import { COSTS } from "../../machine/costs";
import { PAGE_SIZE } from "../../machine/isa";
import { PAGE_STATE, type GuestPageMap } from "./guest-pages";
import type { MachineFrames } from "./machine-frames";

type Entry = { kind: "hint"; vm: number; ppn: number; frame: number } | { kind: "shared"; frame: number };

export interface SharingStats {
  /** Pages the scanner hashed. */
  scanned: number;
  /** Hash matches compared in full, and those that were not identical (collisions or stale hints). */
  compares: number;
  falseMatches: number;
  /** Pages mapped to a shared frame by the scanner, and writes that copied one back out. */
  merged: number;
  copyOnWriteBreaks: number;
  /** Simulated cycles the scanner and the breaks spent (hashing, comparing, copying). */
  cycles: number;
}

const WORDS_PER_PAGE = PAGE_SIZE / 4;

export class PageSharing {
  private readonly table = new Map<number, Entry>();
  /** The hash under which each shared frame is filed, to drop its entry when unused. */
  private readonly sharedHash = new Map<number, number>();
  private cursorVm = 0;
  private cursorPage = 0;
  readonly stats: SharingStats = { scanned: 0, compares: 0, falseMatches: 0, merged: 0, copyOnWriteBreaks: 0, cycles: 0 };

  constructor(
    private readonly frames: MachineFrames,
    private readonly vms: readonly GuestPageMap[],
  ) {}

  /**
   * Scans up to `pages` private guest pages, round robin over the VMs'
   * pages from where the last scan stopped; returns the pages hashed.
   */
  scan(pages: number): number {
    const total = this.vms.reduce((n, vm) => n + vm.pages, 0);
    let hashed = 0;
    for (let visited = 0; visited < total && hashed < pages; visited++) {
      const vm = this.vms[this.cursorVm];
      const ppn = this.cursorPage;
      if (++this.cursorPage >= vm.pages) {
        this.cursorPage = 0;
        this.cursorVm = (this.cursorVm + 1) % this.vms.length;
      }
      if (vm.state[ppn] !== PAGE_STATE.PRIVATE) continue;
      this.consider(this.vms.indexOf(vm), ppn);
      hashed++;
    }
    return hashed;
  }

  /** Makes `vm`'s page `ppn` private again before a write: copies its shared frame into `fresh` (a frame the caller allocated). */
  breakSharing(vm: GuestPageMap, ppn: number, fresh: number | undefined): void {
    const shared = vm.frame[ppn];
    if (vm.state[ppn] !== PAGE_STATE.SHARED) throw new Error(`page ${ppn} is not shared (a bug in the overcommit code)`);
    if (this.frames.references(shared) === 1) {
      // The last user: the frame becomes its own again, no copy needed.
      this.forget(shared);
      vm.set(ppn, PAGE_STATE.PRIVATE, shared);
      if (fresh !== undefined) this.frames.release(fresh);
      return;
    }
    if (fresh === undefined) throw new Error("breaking a shared page needs a free frame (a bug in the overcommit code)");
    const words = this.frames.memory.words;
    const from = this.frames.address(shared) >> 2;
    words.copyWithin(this.frames.address(fresh) >> 2, from, from + WORDS_PER_PAGE);
    this.frames.release(shared);
    vm.set(ppn, PAGE_STATE.PRIVATE, fresh);
    this.stats.copyOnWriteBreaks++;
    this.stats.cycles += COSTS.pageCopy;
  }

  /** `vm`'s shared page `ppn` leaves its frame (swapped out, ballooned): one reference fewer. */
  unshare(vm: GuestPageMap, ppn: number): void {
    const frame = vm.frame[ppn];
    if (this.frames.release(frame) === 0) this.forget(frame);
  }

  /** Guest pages mapped to shared frames, the frames behind them, and the difference: frames saved. */
  savings(): { sharedPages: number; sharedFrames: number; framesSaved: number } {
    const frames = new Set<number>();
    let sharedPages = 0;
    for (const vm of this.vms) {
      for (let p = 0; p < vm.pages; p++) {
        if (vm.state[p] === PAGE_STATE.SHARED) {
          sharedPages++;
          frames.add(vm.frame[p]);
        }
      }
    }
    return { sharedPages, sharedFrames: frames.size, framesSaved: sharedPages - frames.size };
  }

  private consider(vmIndex: number, ppn: number): void {
    const vm = this.vms[vmIndex];
    const frame = vm.frame[ppn];
    const hash = this.hashFrame(frame);
    this.stats.scanned++;
    this.stats.cycles += COSTS.pageHash;
    const entry = this.table.get(hash);
    if (!entry) {
      this.table.set(hash, { kind: "hint", vm: vmIndex, ppn, frame });
      return;
    }
    if (entry.kind === "hint") {
      const hinted = this.vms[entry.vm];
      if (entry.vm === vmIndex && entry.ppn === ppn) return;
      const stale = hinted.state[entry.ppn] !== PAGE_STATE.PRIVATE || hinted.frame[entry.ppn] !== entry.frame;
      if (stale || !this.identical(entry.frame, frame)) {
        // The hinted page changed or left; this page takes its place as the hint.
        this.table.set(hash, { kind: "hint", vm: vmIndex, ppn, frame });
        return;
      }
      // The hinted page keeps its frame (and its one reference): it becomes the shared frame.
      hinted.set(entry.ppn, PAGE_STATE.SHARED, entry.frame);
      this.table.set(hash, { kind: "shared", frame: entry.frame });
      this.sharedHash.set(entry.frame, hash);
      this.stats.merged++;
      this.mergeInto(vm, ppn, entry.frame);
      return;
    }
    if (this.identical(entry.frame, frame)) this.mergeInto(vm, ppn, entry.frame);
  }

  private mergeInto(vm: GuestPageMap, ppn: number, shared: number): void {
    const own = vm.frame[ppn];
    this.frames.retain(shared);
    vm.set(ppn, PAGE_STATE.SHARED, shared);
    this.frames.release(own);
    this.stats.merged++;
  }

  private forget(frame: number): void {
    const hash = this.sharedHash.get(frame);
    if (hash === undefined) return;
    this.sharedHash.delete(frame);
    const entry = this.table.get(hash);
    if (entry?.kind === "shared" && entry.frame === frame) this.table.delete(hash);
  }

  private identical(a: number, b: number): boolean {
    this.stats.compares++;
    this.stats.cycles += COSTS.pageCompare;
    const words = this.frames.memory.words;
    const x = this.frames.address(a) >> 2;
    const y = this.frames.address(b) >> 2;
    for (let i = 0; i < WORDS_PER_PAGE; i++) {
      if (words[x + i] !== words[y + i]) {
        this.stats.falseMatches++;
        return false;
      }
    }
    return true;
  }

  /** FNV-1a over the page's words (Fowler, Noll and Vo): a hint, never trusted without a full compare. */
  private hashFrame(frame: number): number {
    const words = this.frames.memory.words;
    const start = this.frames.address(frame) >> 2;
    let h = 0x811c9dc5;
    for (let i = start; i < start + WORDS_PER_PAGE; i++) h = Math.imul(h ^ words[i], 0x01000193);
    return h >>> 0;
  }
}
