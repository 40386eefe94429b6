/**
 * The memory the I/O layer works in: one domain's RAM, addressed
 * guest-physically. A bare machine's PhysicalMemory is one; a VM's slice
 * of machine memory (src/hypervisor's GuestRegion: guest-physical 0 at a
 * machine base) is another, through `regionMemory`. Rings, grant tables
 * and event channels read and write only through this, so a backend can
 * reach no byte outside the domain it serves.
 */
import type { PhysicalMemory } from "../machine/memory";

export interface GuestMemory {
  /** Bytes of RAM the domain has. */
  readonly size: number;
  readWord(gpa: number): number;
  writeWord(gpa: number, value: number): void;
  readByte(gpa: number): number;
  writeByte(gpa: number, value: number): void;
  readBytes(gpa: number, length: number): Uint8Array;
  writeBytes(gpa: number, data: Uint8Array): void;
  /** True if [gpa, gpa + length) is the domain's RAM. */
  inRam(gpa: number, length: number): boolean;
}

/** The domain whose guest-physical 0 is machine address `base`, `size` bytes long. */
export function regionMemory(machine: PhysicalMemory, base: number, size: number): GuestMemory {
  if (!machine.inRam(base, size)) throw new RangeError(`guest region 0x${base.toString(16)}+0x${size.toString(16)} is outside machine RAM`);
  const inRam = (gpa: number, length: number): boolean => Number.isInteger(gpa) && Number.isInteger(length) && gpa >= 0 && length >= 0 && gpa + length <= size;
  const at = (gpa: number, length: number): number => {
    if (!inRam(gpa, length)) throw new RangeError(`guest-physical 0x${(gpa >>> 0).toString(16)}+${length} is outside the domain's ${size} bytes`);
    return base + gpa;
  };
  return {
    size,
    inRam,
    readWord: (gpa) => machine.readWord(at(gpa, 4)),
    writeWord: (gpa, value) => machine.writeWord(at(gpa, 4), value),
    readByte: (gpa) => machine.readByte(at(gpa, 1)),
    writeByte: (gpa, value) => machine.writeByte(at(gpa, 1), value),
    readBytes: (gpa, length) => machine.readBytes(at(gpa, length), length),
    writeBytes: (gpa, data) => machine.writeBytes(at(gpa, data.length), data),
  };
}
