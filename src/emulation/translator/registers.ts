/**
 * Register allocation for the translator: RV32I has 31 registers to
 * toy32's 15, so the ten guest registers a program names most often
 * (counted over its code once, at load: a static profile) live in toy32
 * registers for the whole run, and the rest in REGS in toy32 memory,
 * loaded into a scratch register at each use and stored after each write
 * (spills). One mapping for every block, so a block can jump straight to
 * another (chaining) with nothing to reconcile.
 *
 *   toy32    role in translated code
 *   r0       zero (guest x0)
 *   r1-r7    guest registers (hot)        r8 t3, r9 t4, r15 k0   scratch
 *   r10 r11  guest registers (hot)        r12 s2   GUEST_BASE
 *   r14      guest register (hot)         r13 sp   GUEST_SIZE
 */
import type { ElfExecutable } from "../elf";
import { PF } from "../elf";
import { decodeRv32 } from "../rv32i";

/** The toy32 registers that hold guest registers, in the order the hottest take them. */
export const HOST_REGISTERS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 10, 11, 14];
export const SCRATCH = { address: 8, operand: 9, result: 15 } as const;
export const BASE_REGISTER = 12;
export const LIMIT_REGISTER = 13;

/** guest register -> toy32 register, for the mapped ones. */
export type RegisterMap = ReadonlyMap<number, number>;

/** How often each guest register is named by the program's code (rd, rs1, rs2 as its format uses them). */
export function registerUses(exe: ElfExecutable): number[] {
  const uses = new Array<number>(32).fill(0);
  for (const seg of exe.segments) {
    if ((seg.flags & PF.X) === 0) continue;
    const view = new DataView(seg.data.buffer, seg.data.byteOffset, seg.data.byteLength);
    for (let at = 0; at + 4 <= seg.data.length; at += 4) {
      const d = decodeRv32(view.getUint32(at, true));
      if (d === undefined) continue;
      const f = d.spec.format;
      if (f !== "S" && f !== "B") uses[d.rd]++;
      if (f !== "U" && f !== "J") uses[d.rs1]++;
      if (f === "R" || f === "S" || f === "B") uses[d.rs2]++;
    }
  }
  uses[0] = 0;
  return uses;
}

/** The hottest guest registers onto HOST_REGISTERS (ties to the lower number). */
export function allocateRegisters(uses: readonly number[]): RegisterMap {
  const order = uses.map((n, reg) => ({ n, reg })).filter((u) => u.reg !== 0 && u.n > 0).sort((a, b) => b.n - a.n || a.reg - b.reg);
  return new Map(order.slice(0, HOST_REGISTERS.length).map((u, i) => [u.reg, HOST_REGISTERS[i]]));
}
