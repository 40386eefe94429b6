/**
 * toy32's physical memory (ISA.md, "Words, memory, registers"): RAM as one
 * typed array, little-endian, and memory-mapped devices at 0xFFFF0000 and
 * up. Addresses between the end of RAM and the devices do not exist: the
 * CPU turns an access there into the page fault of that access's kind.
 *
 *   0x00000000 +----------------------------+
 *              | RAM (16 MiB by default)    |  bytes / words views
 *   size       +----------------------------+
 *              | (nothing: accesses fault)  |
 *   0xFFFF0000 +----------------------------+
 *              | console   0xFFFF0000       |  one 4 KiB page per device,
 *              | disk      0xFFFF1000       |  register maps beside each
 *              | nic       0xFFFF2000       |  device's code
 *   0xFFFFFFFF +----------------------------+
 *
 * The `words` view is little-endian because the host is (checked below), so
 * an aligned word is one typed-array element: the CPU's fast path.
 */
import { MMIO_BASE, PAGE_SIZE } from "./isa";

/** A memory-mapped device: registers at `base`, a multiple of the page size. */
export interface Device {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  /** Reads `width` bytes (1 or 4) at `offset`; the result is unsigned. */
  read(offset: number, width: 1 | 4): number;
  write(offset: number, value: number, width: 1 | 4): void;
}

export const DEFAULT_MEMORY_BYTES = 16 * 1024 * 1024;

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error("toy32 needs a little-endian host: its word view of memory assumes one");
}

export class PhysicalMemory {
  readonly bytes: Uint8Array;
  /** The same bytes as aligned 32-bit words: words[pa >> 2]. */
  readonly words: Int32Array;
  private readonly devices: Device[] = [];

  constructor(readonly size: number = DEFAULT_MEMORY_BYTES) {
    if (!Number.isInteger(size) || size <= 0 || size % PAGE_SIZE !== 0 || size > MMIO_BASE) {
      throw new RangeError(`memory size ${size} must be a positive multiple of ${PAGE_SIZE} below 0x${MMIO_BASE.toString(16)}`);
    }
    this.bytes = new Uint8Array(size);
    this.words = new Int32Array(this.bytes.buffer);
  }

  attach(device: Device): void {
    if (device.base < MMIO_BASE || device.base % PAGE_SIZE !== 0) {
      throw new Error(`device ${device.name} at 0x${device.base.toString(16)} is not a page in the MMIO region`);
    }
    if (this.devices.some((d) => d.base < device.base + device.size && device.base < d.base + d.size)) {
      throw new Error(`device ${device.name} overlaps another device`);
    }
    this.devices.push(device);
  }

  /** The device whose registers cover physical address `pa`, if any. */
  deviceAt(pa: number): Device | undefined {
    const a = pa >>> 0;
    for (const d of this.devices) if (a >= d.base && a < d.base + d.size) return d;
    return undefined;
  }

  /**
   * MMIO dispatch: a guest's read of a device register, unsigned, or -1 if
   * no device is at `pa` (the CPU then raises the page fault).
   */
  deviceRead(pa: number, width: 1 | 4): number {
    const device = this.deviceAt(pa);
    return device === undefined ? -1 : device.read((pa >>> 0) - device.base, width) >>> 0;
  }

  /** A guest's write of a device register; false if no device is at `pa`. */
  deviceWrite(pa: number, value: number, width: 1 | 4): boolean {
    const device = this.deviceAt(pa);
    if (device === undefined) return false;
    device.write((pa >>> 0) - device.base, width === 1 ? value & 0xff : value >>> 0, width);
    return true;
  }

  /** True if a `width`-byte guest access at `pa` reaches RAM or a device. */
  exists(pa: number, width: number): boolean {
    const a = pa >>> 0;
    if (a + width <= this.size) return true;
    return this.deviceAt(a) !== undefined;
  }

  // Host-side access to RAM (no cycles, no faults, no device side effects):
  // for loaders, hypervisors and notebooks. A bad address is a host bug.

  readWord(pa: number): number {
    this.checkRam(pa, 4);
    return (pa & 3) === 0 ? this.words[pa >>> 2] >>> 0 : this.readUnaligned(pa);
  }

  writeWord(pa: number, value: number): void {
    this.checkRam(pa, 4);
    if ((pa & 3) === 0) this.words[pa >>> 2] = value;
    else for (let i = 0; i < 4; i++) this.bytes[pa + i] = value >>> (8 * i);
  }

  readByte(pa: number): number {
    this.checkRam(pa, 1);
    return this.bytes[pa];
  }

  writeByte(pa: number, value: number): void {
    this.checkRam(pa, 1);
    this.bytes[pa] = value;
  }

  readBytes(pa: number, length: number): Uint8Array {
    this.checkRam(pa, length);
    return this.bytes.slice(pa, pa + length);
  }

  writeBytes(pa: number, data: Uint8Array): void {
    this.checkRam(pa, data.length);
    this.bytes.set(data, pa);
  }

  /** True if [pa, pa + length) lies in RAM: what DMA may touch. */
  inRam(pa: number, length: number): boolean {
    return Number.isInteger(pa) && Number.isInteger(length) && pa >= 0 && length >= 0 && pa + length <= this.size;
  }

  private readUnaligned(pa: number): number {
    const b = this.bytes;
    return (b[pa] | (b[pa + 1] << 8) | (b[pa + 2] << 16) | (b[pa + 3] << 24)) >>> 0;
  }

  private checkRam(pa: number, length: number): void {
    if (!this.inRam(pa, length)) {
      throw new RangeError(`physical 0x${(pa >>> 0).toString(16)}+${length} is outside RAM (0..0x${this.size.toString(16)})`);
    }
  }
}
