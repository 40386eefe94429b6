/**
 * The translation cache (Adams and Agesen 2006, section 3.1: translations
 * are kept in a translation cache and reused; a guest write to code that
 * has been translated must invalidate them, which VMware detects with
 * write-protecting traces). Keyed by the block's guest-physical address:
 * two virtual addresses that map one physical page share its translations,
 * and a change of page tables does not lose them.
 *
 *   blocks:  gpa of a block's first instruction -> TranslatedBlock
 *   pages:   guest-physical page number -> the gpas of its blocks
 *
 * A store by translated code, or a user-mode store through a shadow entry
 * that was write-protected for the purpose, to a page in `pages` drops all
 * of that page's blocks (invalidate).
 */
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

export class TranslationCache {
  readonly stats = emptyTranslationStats();
  /** Bumped whenever translations are dropped (chained links check it). */
  generation = 0;
  private readonly blocks = new Map<number, TranslatedBlock>();
  private readonly pages = new Map<number, number[]>();

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
    this.stats.translations++;
    this.stats.instructionsTranslated += block.length;
  }

  /** True if the guest-physical page holds translated code. */
  hasCode(page: number): boolean {
    return this.pages.has(page);
  }

  /** Drops every block of a guest-physical page; returns how many. */
  invalidatePage(page: number): number {
    const list = this.pages.get(page);
    if (!list) return 0;
    for (const gpa of list) this.blocks.delete(gpa);
    this.pages.delete(page);
    this.generation++;
    this.stats.invalidations += list.length;
    return list.length;
  }

  /** Every block, in address order: for printing the cache in a notebook. */
  list(): TranslatedBlock[] {
    return [...this.blocks.values()].sort((a, b) => a.gpa - b.gpa);
  }

  get size(): number {
    return this.blocks.size;
  }
}
