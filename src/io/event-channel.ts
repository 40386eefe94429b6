/**
 * Event channels, the 2-level ABI (xen/include/public/xen.h, struct
 * shared_info; event_channel.h): "Each channel is associated with two bits
 * of information: PENDING ... and MASK ... any 0->1 pending transition on
 * an unmasked channel causes a corresponding bit in a per-vcpu selector
 * word to be set." The bitmaps live in the guest's shared info page, laid
 * out as on x86_64 (xen_ulong_t is 64 bits, XEN_LEGACY_MAX_VCPUS is 32):
 *
 *   shared_info + 0     vcpu_info[32], 64 bytes each:
 *                         +0 uint8_t evtchn_upcall_pending
 *                         +1 uint8_t evtchn_upcall_mask
 *                         +8 xen_ulong_t evtchn_pending_sel
 *   shared_info + 2048  xen_ulong_t evtchn_pending[64]  (4096 ports)
 *   shared_info + 2560  xen_ulong_t evtchn_mask[64]
 *
 * The hypervisor keeps the bindings (which port of which domain reaches
 * which port of which other) in its own table; EVTCHNOP_send on a bound
 * interdomain port sets the remote port pending.
 */
import type { GuestMemory } from "./guest-memory";

export const SHARED_INFO = { VCPU_INFO: 0, VCPU_INFO_BYTES: 64, UPCALL_PENDING: 0, UPCALL_MASK: 1, PENDING_SEL: 8, EVTCHN_PENDING: 2048, EVTCHN_MASK: 2560 } as const;
export const EVTCHN_PORTS = 64 * 64;
const BITS_PER_WORD = 64;

/** One domain's view: its shared info page in its own memory. */
export class EventChannelPage {
  constructor(readonly memory: GuestMemory, readonly base: number) {
    if (!memory.inRam(base, 4096) || base % 4096 !== 0) throw new RangeError(`shared info page at 0x${base.toString(16)} must be a page in RAM`);
  }

  private bitAddress(array: number, port: number): { byte: number; bit: number } {
    if (!Number.isInteger(port) || port < 0 || port >= EVTCHN_PORTS) throw new RangeError(`event channel port ${port}: ports are 0..${EVTCHN_PORTS - 1}`);
    return { byte: this.base + array + (port >>> 3), bit: 1 << (port & 7) };
  }

  private testAndSet(array: number, port: number): boolean {
    const { byte, bit } = this.bitAddress(array, port);
    const old = this.memory.readByte(byte);
    this.memory.writeByte(byte, old | bit);
    return (old & bit) !== 0;
  }

  isPending(port: number): boolean {
    const { byte, bit } = this.bitAddress(SHARED_INFO.EVTCHN_PENDING, port);
    return (this.memory.readByte(byte) & bit) !== 0;
  }

  isMasked(port: number): boolean {
    const { byte, bit } = this.bitAddress(SHARED_INFO.EVTCHN_MASK, port);
    return (this.memory.readByte(byte) & bit) !== 0;
  }

  /** The guest's side: clear PENDING before looking at the ring ("avoiding a set-and-check race"). */
  clearPending(port: number): void {
    const { byte, bit } = this.bitAddress(SHARED_INFO.EVTCHN_PENDING, port);
    this.memory.writeByte(byte, this.memory.readByte(byte) & ~bit);
  }

  setMask(port: number, masked: boolean): void {
    const { byte, bit } = this.bitAddress(SHARED_INFO.EVTCHN_MASK, port);
    const old = this.memory.readByte(byte);
    this.memory.writeByte(byte, masked ? old | bit : old & ~bit);
  }

  get upcallPending(): boolean {
    return this.memory.readByte(this.base + SHARED_INFO.UPCALL_PENDING) !== 0;
  }

  clearUpcallPending(): void {
    this.memory.writeByte(this.base + SHARED_INFO.UPCALL_PENDING, 0);
  }

  /**
   * Xen's evtchn_2l_set_pending: set PENDING; only a 0->1 edge on an
   * unmasked port sets the selector bit and evtchn_upcall_pending. Returns
   * true if this raised an upcall (the VCPU must be interrupted).
   */
  setPending(port: number): boolean {
    if (this.testAndSet(SHARED_INFO.EVTCHN_PENDING, port)) return false;
    if (this.isMasked(port)) return false;
    const word = Math.floor(port / BITS_PER_WORD);
    const selByte = this.base + SHARED_INFO.PENDING_SEL + (word >>> 3);
    this.memory.writeByte(selByte, this.memory.readByte(selByte) | (1 << (word & 7)));
    const wasPending = this.upcallPending;
    this.memory.writeByte(this.base + SHARED_INFO.UPCALL_PENDING, 1);
    return !wasPending && this.memory.readByte(this.base + SHARED_INFO.UPCALL_MASK) === 0;
  }
}

/** EVTCHNOP_bind_interdomain's result: a port on each side. */
interface Binding {
  readonly remoteDomain: number;
  readonly remotePort: number;
}

/** The hypervisor's table of interdomain channels, for all domains. */
export class EventChannels {
  private readonly pages = new Map<number, EventChannelPage>();
  private readonly bindings = new Map<string, Binding>();
  private readonly nextPort = new Map<number, number>();
  sends = 0;
  upcalls = 0;

  addDomain(domain: number, page: EventChannelPage): void {
    if (this.pages.has(domain)) throw new Error(`event channels: domain ${domain} is already registered`);
    this.pages.set(domain, page);
    this.nextPort.set(domain, 1);
  }

  page(domain: number): EventChannelPage {
    const page = this.pages.get(domain);
    if (page === undefined) throw new Error(`event channels: no domain ${domain}`);
    return page;
  }

  /** EVTCHNOP_alloc_unbound + EVTCHNOP_bind_interdomain in one: a connected pair of ports. */
  connect(a: number, b: number): { portA: number; portB: number } {
    const portA = this.allocate(a);
    const portB = this.allocate(b);
    this.bindings.set(`${a}:${portA}`, { remoteDomain: b, remotePort: portB });
    this.bindings.set(`${b}:${portB}`, { remoteDomain: a, remotePort: portA });
    return { portA, portB };
  }

  /** EVTCHNOP_send from `domain`'s `port`: true if the remote VCPU gets an upcall. */
  send(domain: number, port: number): boolean {
    const binding = this.bindings.get(`${domain}:${port}`);
    if (binding === undefined) throw new Error(`event channel: domain ${domain} port ${port} is not bound`);
    this.sends++;
    const raised = this.page(binding.remoteDomain).setPending(binding.remotePort);
    if (raised) this.upcalls++;
    return raised;
  }

  /** EVTCHNOP_close: both ends stop working. */
  close(domain: number, port: number): void {
    const binding = this.bindings.get(`${domain}:${port}`);
    if (binding === undefined) return;
    this.bindings.delete(`${domain}:${port}`);
    this.bindings.delete(`${binding.remoteDomain}:${binding.remotePort}`);
  }

  private allocate(domain: number): number {
    this.page(domain);
    const port = this.nextPort.get(domain) ?? 1;
    if (port >= EVTCHN_PORTS) throw new Error(`event channels: domain ${domain} has no free port`);
    this.nextPort.set(domain, port + 1);
    return port;
  }
}
