/**
 * Post-copy migration's view of a VM's memory on the target: which guest
 * pages are still at the source (Hines and Gopalan 2009, "Post-copy based
 * live virtual machine migration using adaptive pre-paging and dynamic
 * self-ballooning", VEE, section 3: the VM resumes on the target with
 * only its CPU state; "page-faults ... are serviced by ... the source").
 *
 * Under nested paging the first touch of every guest-physical page is an
 * EPT violation (the nested table is filled lazily, hardware-assist.ts),
 * so a page still at the source is caught there: the VCPU stops before
 * the access and waits (`awaiting`), the migration fetches the page over
 * the connection, and the access is retried. The VCPU is the only one to
 * wait: a device's DMA into a page still at the source cannot be held
 * back, so it ends the VM (vm.ts) rather than let it read zeros.
 *
 *   absent[]  one byte a guest page: 1 = still at the source
 */
export class RemotePages {
  readonly absent: Uint8Array;
  /** Pages still at the source. */
  remaining: number;
  /** The page the VCPU faulted on and waits for, if it waits. */
  awaiting: number | undefined;
  /** Demand faults so far: VCPU accesses that found their page at the source. */
  faults = 0;

  constructor(readonly pages: number) {
    this.absent = new Uint8Array(pages).fill(1);
    this.remaining = pages;
  }

  /** True while the page holding guest-physical `gpa` is at the source. */
  isAbsent(gpa: number): boolean {
    const page = (gpa >>> 0) >>> 12;
    return page < this.pages && this.absent[page] === 1;
  }

  /** The first page of [gpa, gpa + length) still at the source, or -1. */
  firstAbsent(gpa: number, length: number): number {
    for (let p = (gpa >>> 0) >>> 12; p < this.pages && p * 4096 < gpa + length; p++) if (this.absent[p] === 1) return p;
    return -1;
  }

  /** The VCPU touched a page still at the source: it waits for it. */
  fault(gpa: number): void {
    this.awaiting = (gpa >>> 0) >>> 12;
    this.faults++;
  }

  /** The page came; false if it was here already (a push of a page the VCPU had fetched). */
  arrived(page: number): boolean {
    if (page >= this.pages || this.absent[page] === 0) return false;
    this.absent[page] = 0;
    this.remaining--;
    if (this.awaiting === page) this.awaiting = undefined;
    return true;
  }
}
