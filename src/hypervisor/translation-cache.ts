/**
 * The translation cache (Adams and Agesen 2006, section 3.1: translations
 * are kept in a translation cache and reused; a guest write to code that
 * has been translated must invalidate them, which VMware detects with
 * write-protecting traces). Keyed by the block's guest-physical address:
 * two virtual addresses that map one physical page share its translations,
 * and a change of page tables does not lose them.
 *
 *   blocks:   gpa of a block's first instruction -> TranslatedBlock
 *   pages:    guest-physical page number -> the gpas of its blocks
 *   granules: per 16 guest-physical bytes, how many blocks cover them
 *
 * A store by translated code to a granule holding translated code drops
 * just the blocks that cover it, so a kernel whose variables share a page
 * with its code does not lose that page's other translations at every
 * store. A user-mode store through a shadow entry that was write-protected
 * for the purpose drops the page's blocks (the fault tells only the page).
 */
import { DEFAULT_MEMORY_BYTES } from "../machine/memory";
import type { TranslatedBlock } from "./translator";

export interface TranslationStats {
  /** Blocks translated (re-translations after an invalidation included). */
  translations: number;
  instructionsTranslated: number;
  /** Lookups that found a translation, and those that had to translate. */
  hits: number;
  misses: number;
  /** Blocks dropped because the guest wrote their page. */
  invalidations: number;
  /** Privileged or sensitive instructions executed as callouts. */
  callouts: number;
  /** Blocks executed. */
  executions: number;
}

export function emptyTranslationStats(): TranslationStats {
  return { translations: 0, instructionsTranslated: 0, hits: 0, misses: 0, invalidations: 0, callouts: 0, executions: 0 };
}

export const GRANULE_SHIFT = 4;

export class TranslationCache {
  readonly stats = emptyTranslationStats();
  /** Blocks covering each 16-byte granule of guest-physical memory. */
  readonly granules: Uint16Array;
  /** Bumped whenever translations are dropped (chained links check it). */
  generation = 0;
  private readonly blocks = new Map<number, TranslatedBlock>();
  private readonly pages = new Map<number, number[]>();

  constructor(memorySize: number = DEFAULT_MEMORY_BYTES) {
    this.granules = new Uint16Array(Math.ceil(memorySize / (1 << GRANULE_SHIFT)));
  }

  lookup(gpa: number): TranslatedBlock | undefined {
    const b = this.blocks.get(gpa);
    if (b) this.stats.hits++;
    else this.stats.misses++;
    return b;
  }

  insert(block: TranslatedBlock): void {
    this.blocks.set(block.gpa, block);
    const page = block.gpa >>> 12;
    const list = this.pages.get(page);
    if (list) list.push(block.gpa);
    else this.pages.set(page, [block.gpa]);
    this.mark(block, 1);
    this.stats.translations++;
    this.stats.instructionsTranslated += block.length;
  }

  private mark(block: TranslatedBlock, delta: 1 | -1): void {
    const last = (block.gpa + 4 * Math.max(block.length, 1) - 1) >>> GRANULE_SHIFT;
    for (let g = block.gpa >>> GRANULE_SHIFT; g <= last; g++) this.granules[g] += delta;
  }

  /** True if translated code covers the guest-physical byte `gpa`. */
  codeAt(gpa: number): boolean {
    return this.granules[gpa >>> GRANULE_SHIFT] !== 0;
  }

  /** Drops the blocks covering the granule of `gpa`; returns how many. */
  invalidateAt(gpa: number): number {
    const page = gpa >>> 12;
    const list = this.pages.get(page);
    if (!list) return 0;
    const lo = (gpa >>> GRANULE_SHIFT) << GRANULE_SHIFT;
    const hi = lo + (1 << GRANULE_SHIFT);
    const keep: number[] = [];
    let dropped = 0;
    for (const start of list) {
      const b = this.blocks.get(start);
      if (!b) continue;
      if (b.gpa < hi && b.gpa + 4 * Math.max(b.length, 1) > lo) {
        this.blocks.delete(start);
        this.mark(b, -1);
        dropped++;
      } else keep.push(start);
    }
    if (keep.length > 0) this.pages.set(page, keep);
    else this.pages.delete(page);
    this.stats.invalidations += dropped;
    this.generation++;
    return dropped;
  }

  /** True if the guest-physical page holds translated code. */
  hasCode(page: number): boolean {
    return this.pages.has(page);
  }

  /** Drops every block of a guest-physical page; returns how many. */
  invalidatePage(page: number): number {
    const list = this.pages.get(page);
    if (!list) return 0;
    for (const gpa of list) {
      const b = this.blocks.get(gpa);
      if (b) this.mark(b, -1);
      this.blocks.delete(gpa);
    }
    this.pages.delete(page);
    this.generation++;
    this.stats.invalidations += list.length;
    return list.length;
  }

  /** True if a block starts at `gpa` (counts nothing). */
  has(gpa: number): boolean {
    return this.blocks.has(gpa);
  }

  /** Every block, in the order they were translated. */
  inOrder(): TranslatedBlock[] {
    return [...this.blocks.values()];
  }

  /** Every block, in address order: for printing the cache in a notebook. */
  list(): TranslatedBlock[] {
    return [...this.blocks.values()].sort((a, b) => a.gpa - b.gpa);
  }

  get size(): number {
    return this.blocks.size;
  }
}
