/**
 * A paravirtual guest as the hypercall handlers see it (hypercalls.ts):
 * its guest-physical memory, bounds-checked; its console; its trap table
 * and event mask, kept on the VM and VCPU. Barham et al. 2003, section
 * 3.3.1: "Xen ... validates ... updates to ensure safety: a guest may only
 * map pages it owns", which validPte enforces for MMU_UPDATE
 * (src/memory/mmu-update.ts).
 */
import { CSR, STATUS } from "../machine/isa";
import type { PhysicalMemory } from "../machine/memory";
import { DISK_COMMAND, DISK_REG, DISK_STATUS, SECTOR_SIZE } from "../machine/devices/disk";
import { validateUpdate } from "../memory/mmu-update";
import type { ShadowPageTables } from "../memory/shadow-paging";
import { EBUSY, EINVAL, EIO, type HypercallGuest } from "./hypercalls";
import type { Vm } from "./vm";

/** The paravirtual disk's unit: one file-system block. */
const BLOCK_BYTES = 1024;

export class ParavirtualGuest implements HypercallGuest {
  /** Guest-physical addresses MMU_UPDATE wrote: the hypervisor's shadows follow each. */
  readonly pageTableWrites: number[] = [];
  /** Set when SET_PAGE_TABLE switched the address space. */
  pageTableSwitched = false;

  constructor(private readonly vm: Vm, private readonly memory: PhysicalMemory, private readonly shadow: ShadowPageTables) {}

  readWord(gpa: number): number | undefined {
    gpa >>>= 0;
    if ((gpa & 3) !== 0 || !this.vm.contains(gpa, 4)) return undefined;
    return this.memory.readWord(this.vm.machineAddress(gpa));
  }

  readByte(gpa: number): number | undefined {
    gpa >>>= 0;
    if (!this.vm.contains(gpa, 1)) return undefined;
    return this.memory.readByte(this.vm.machineAddress(gpa));
  }

  writeWord(gpa: number, value: number): boolean {
    gpa >>>= 0;
    if ((gpa & 3) !== 0 || !this.vm.contains(gpa, 4)) return false;
    this.memory.writeWord(this.vm.machineAddress(gpa), value >>> 0);
    this.vm.dirtyLog?.mark(gpa);
    this.pageTableWrites.push(gpa);
    return true;
  }

  consoleWrite(byte: number): void {
    this.vm.devices.console.write(0, byte & 0xff);
  }

  validPte(ptr: number, value: number): boolean {
    return validateUpdate(this.vm.pmap, this.shadow, ptr, value) === "ok";
  }

  setTrapHandler(cause: number, handler: number): void {
    this.vm.trapTable.set(cause >>> 0, handler >>> 0);
  }

  setTrapFrame(gpa: number): boolean {
    gpa >>>= 0;
    if ((gpa & 3) !== 0 || !this.vm.contains(gpa, 16)) return false;
    this.vm.trapFrame = gpa;
    return true;
  }

  setPageTable(gpa: number): boolean {
    if ((gpa & 0xfff) !== 0 || !this.vm.contains(gpa, 4096)) return false;
    const csr = this.vm.vcpu.csr;
    csr[CSR.PTBR] = gpa;
    csr[CSR.STATUS] |= STATUS.PG;
    this.pageTableSwitched = true;
    return true;
  }

  setEventMask(masked: boolean): boolean {
    const csr = this.vm.vcpu.csr;
    const wasMasked = (csr[CSR.STATUS] & STATUS.IE) === 0;
    csr[CSR.STATUS] = masked ? csr[CSR.STATUS] & ~STATUS.IE : csr[CSR.STATUS] | STATUS.IE;
    return wasMasked;
  }

  now(): number {
    return this.vm.vcpu.cycles;
  }

  /**
   * The disk backend: the request goes to the VM's own disk model as its
   * registers would have it (two sectors a block), so the DMA stays inside
   * the VM's memory and the DISK event comes on the VM's clock.
   */
  diskStart(block: number, buffer: number, write: boolean): number {
    const disk = this.vm.devices.disk;
    const sectors = BLOCK_BYTES / SECTOR_SIZE;
    if (!this.vm.contains(buffer, BLOCK_BYTES) || (block + 1) * sectors > disk.sectors) return EINVAL;
    if (disk.status === DISK_STATUS.BUSY) return EBUSY;
    disk.write(DISK_REG.SECTOR, block * sectors);
    disk.write(DISK_REG.DMA, buffer);
    disk.write(DISK_REG.COUNT, sectors);
    disk.write(DISK_REG.COMMAND, write ? DISK_COMMAND.WRITE : DISK_COMMAND.READ);
    return 0;
  }

  diskStatus(): number {
    const disk = this.vm.devices.disk;
    const status = disk.status;
    disk.write(DISK_REG.STATUS, DISK_STATUS.IDLE);
    return status === DISK_STATUS.DONE ? 0 : EIO;
  }

  diskBlocks(): number {
    return Math.floor(this.vm.devices.disk.sectors / (BLOCK_BYTES / SECTOR_SIZE));
  }

  setTimer(period: number): void {
    this.vm.vcpu.csr[CSR.TIMER] = period >>> 0;
    this.vm.vcpu.armTimer();
  }
}
