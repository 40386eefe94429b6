/**
 * A block disk with DMA (the shape of every IDE/virtio-blk driver's
 * device): the kernel writes the first sector, a physical buffer address
 * and a count, then a command; the disk is busy for diskLatency +
 * count * diskSectorTransfer cycles, moves the data by DMA, sets STATUS
 * and raises interrupt DISK (17).
 *
 *   0xFFFF1000 + offset
 *   offset  register   access  meaning
 *   ------  ---------  ------  ------------------------------------------------
 *   0x00    SECTOR     r/w     first sector of the request
 *   0x04    DMA        r/w     physical address of the buffer (RAM only)
 *   0x08    COUNT      r/w     number of 512-byte sectors
 *   0x0C    COMMAND    write   1 = READ (disk -> memory), 2 = WRITE (memory -> disk)
 *   0x10    STATUS     r/w     0 IDLE, 1 BUSY, 2 DONE, 3 ERROR; a write sets IDLE
 *   0x14    SECTORS    read    size of the disk in sectors
 *
 * A command while BUSY, a range past the end of the disk, or a buffer
 * outside RAM sets ERROR and raises DISK at once, moving nothing.
 *
 * The sectors live in a BlockDevice (block.ts): a buffer, or a qcow2 image
 * on the host (src/lifecycle), read and written when the DMA happens. The
 * request in flight is kept as data (DiskState), so a suspended machine's
 * disk finishes it after a resume as it would have without one.
 */
import { COSTS } from "../costs";
import { CAUSE, MMIO_BASE, PAGE_SIZE } from "../isa";
import type { Device } from "../memory";
import type { DeviceBus } from "../events";
import { RawBlockDevice, type BlockDevice } from "./block";

export const SECTOR_SIZE = 512;
export const DISK_BASE = MMIO_BASE + 0x1000;
export const DISK_REG = { SECTOR: 0x00, DMA: 0x04, COUNT: 0x08, COMMAND: 0x0c, STATUS: 0x10, SECTORS: 0x14 } as const;
export const DISK_COMMAND = { READ: 1, WRITE: 2 } as const;
export const DISK_STATUS = { IDLE: 0, BUSY: 1, DONE: 2, ERROR: 3 } as const;

/** A request the disk is working on: it completes (DMA, DONE, DISK) at cycle `at`. */
export interface DiskRequest {
  readonly kind: number;
  readonly sector: number;
  readonly count: number;
  readonly address: number;
  readonly at: number;
}

/** The disk's registers and its request in flight, as plain data (a snapshot's part). */
export interface DiskState {
  readonly regs: number[];
  readonly request: DiskRequest | null;
}

export class Disk implements Device {
  readonly name = "disk";
  readonly base = DISK_BASE;
  readonly size = PAGE_SIZE;
  /** Where the sectors live. */
  readonly device: BlockDevice;
  private readonly regs = new Uint32Array(6);
  private request: DiskRequest | null = null;

  /** A buffer is copied and rounded up to whole 512-byte sectors; a block device is used in place. */
  constructor(private readonly bus: DeviceBus, image: Uint8Array | BlockDevice = new Uint8Array(0)) {
    if (image instanceof Uint8Array) {
      const bytes = new Uint8Array(Math.ceil(image.length / SECTOR_SIZE) * SECTOR_SIZE);
      bytes.set(image);
      this.device = new RawBlockDevice(bytes);
    } else {
      this.device = image;
    }
  }

  /** The disk's contents (a copy), a whole number of sectors. */
  get data(): Uint8Array {
    return this.device.read(0, this.sectors * SECTOR_SIZE);
  }

  get sectors(): number {
    return Math.floor(this.device.size / SECTOR_SIZE);
  }

  get status(): number {
    return this.regs[DISK_REG.STATUS >> 2];
  }

  read(offset: number): number {
    if (offset === DISK_REG.SECTORS) return this.sectors;
    return (offset & 3) === 0 && offset < DISK_REG.SECTORS ? this.regs[offset >> 2] : 0;
  }

  write(offset: number, value: number): void {
    if (offset === DISK_REG.COMMAND) this.command(value);
    else if (offset === DISK_REG.STATUS) this.regs[DISK_REG.STATUS >> 2] = DISK_STATUS.IDLE;
    else if ((offset & 3) === 0 && offset < DISK_REG.COMMAND) this.regs[offset >> 2] = value;
  }

  saveState(): DiskState {
    return { regs: Array.from(this.regs), request: this.request };
  }

  /** Restores registers and re-schedules the request in flight on this disk's bus. */
  restoreState(state: DiskState): void {
    this.regs.set(state.regs);
    this.request = null;
    if (state.request !== null) this.start(state.request);
  }

  private command(kind: number): void {
    const sector = this.regs[DISK_REG.SECTOR >> 2];
    const count = this.regs[DISK_REG.COUNT >> 2];
    const address = this.regs[DISK_REG.DMA >> 2];
    const valid =
      (kind === DISK_COMMAND.READ || kind === DISK_COMMAND.WRITE) &&
      this.status !== DISK_STATUS.BUSY &&
      sector + count <= this.sectors &&
      this.bus.memory.inRam(address, count * SECTOR_SIZE);
    if (!valid) return this.finish(DISK_STATUS.ERROR);
    this.regs[DISK_REG.STATUS >> 2] = DISK_STATUS.BUSY;
    this.bus.stats.diskRequests++;
    const delay = COSTS.diskLatency + count * COSTS.diskSectorTransfer;
    this.start({ kind, sector, count, address, at: this.bus.now() + delay });
  }

  private start(request: DiskRequest): void {
    this.request = request;
    this.bus.schedule(Math.max(0, request.at - this.bus.now()), () => this.complete(request));
  }

  private complete(request: DiskRequest): void {
    if (this.request !== request) return; // replaced by a restore
    this.request = null;
    const { kind, sector, count, address } = request;
    const start = sector * SECTOR_SIZE, bytes = count * SECTOR_SIZE;
    if (kind === DISK_COMMAND.READ) this.bus.memory.writeBytes(address, this.device.read(start, bytes));
    else this.device.write(start, this.bus.memory.readBytes(address, bytes));
    this.bus.stats.diskSectors += count;
    this.finish(DISK_STATUS.DONE);
  }

  private finish(status: number): void {
    this.regs[DISK_REG.STATUS >> 2] = status;
    this.bus.raise(CAUSE.DISK);
  }
}
