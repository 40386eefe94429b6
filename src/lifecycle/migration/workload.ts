/**
 * The guest a migration chapter needs: a writer with a knob. It grows its
 * heap to PAGES pages and, PASSES times over, stores one word into every
 * page, spinning DELAY iterations between two stores; then prints a
 * checksum of what it wrote. DELAY sets the dirty rate (Clark et al. 2005
 * measure downtime against it): 0 dirties pages as fast as the guest can,
 * a large DELAY leaves it almost idle. Its output depends only on its
 * own arithmetic, so a migrated run must print exactly what an
 * uninterrupted one prints.
 */
import type { ProgramSpec } from "../../guests/loader";

export interface DirtierOptions {
  /** Heap pages it writes (1..4096). */
  readonly pages: number;
  /** Passes over all of them. */
  readonly passes: number;
  /** Spin iterations between two stores (0 = as fast as it can). */
  readonly delay: number;
}

export function dirtierProgram(options: DirtierOptions): ProgramSpec {
  const { pages, passes, delay } = options;
  for (const [name, value, max] of [["pages", pages, 4096], ["passes", passes, 1_000_000], ["delay", delay, 1_000_000]] as const) {
    if (!Number.isInteger(value) || value < (name === "delay" ? 0 : 1) || value > max) throw new RangeError(`dirtier ${name} ${value} is outside ${name === "delay" ? 0 : 1}..${max}`);
  }
  const source = `# dirtier: ${pages} pages, ${passes} passes, delay ${delay}
        .equ PAGES, ${pages}
        .equ PASSES, ${passes}
        .equ DELAY, ${delay}
        .text
main:   push ra
        li   a0, PAGES * 4096
        call sbrk
        mv   s0, a0                 # s0 = the heap
        li   s1, 0                  # s1 = pass
        li   s2, 0                  # s2 = checksum
pass:   li   t0, 0                  # t0 = page
page:   shli t1, t0, 12
        add  t1, s0, t1
        add  t2, t0, s1
        mul  t2, t2, t2
        lw   t3, 0(t1)
        add  t3, t3, t2
        sw   t3, 0(t1)
        add  s2, s2, t3
        li   t4, DELAY
spin:   beqz t4, spun
        addi t4, t4, -1
        j    spin
spun:   addi t0, t0, 1
        li   t1, PAGES
        blt  t0, t1, page
        addi s1, s1, 1
        li   t1, PASSES
        blt  s1, t1, pass
        la   a0, done
        call print
        mv   a0, s2
        call print_hex
        li   a0, 10
        call putc
        li   a0, 0
        pop  ra
        ret
        .data
done:   .asciz "dirtier: checksum "
`;
  return { name: "dirtier", source };
}
