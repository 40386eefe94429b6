/**
 * A network card with DMA in both directions. Transmit: the kernel points
 * TX_ADDR/TX_LEN at a frame in physical memory and writes TX_CMD; the NIC
 * copies it, spends netByte cycles a byte on the wire, hands it to the host
 * (`sent`, `onTransmit`) and raises NET (18). Receive: the host `inject`s
 * frames into a queue; once the kernel has armed a buffer (RX_ADDR, RX_CAP,
 * RX_CMD), the NIC DMA's the next frame into it and raises NET.
 *
 *   0xFFFF2000 + offset
 *   offset  register   access  meaning
 *   ------  ---------  ------  ----------------------------------------------
 *   0x00    TX_ADDR    r/w     physical address of the frame to send
 *   0x04    TX_LEN     r/w     its length in bytes (1..65535)
 *   0x08    TX_CMD     write   1 = send
 *   0x0C    RX_ADDR    r/w     physical address of the receive buffer
 *   0x10    RX_CAP     r/w     its capacity; longer frames are truncated
 *   0x14    RX_CMD     write   1 = arm the buffer for one frame
 *   0x18    RX_LEN     read    full length of the last frame received
 *   0x1C    STATUS     read    bit0 TX_BUSY  bit1 TX_DONE  bit2 TX_ERROR
 *                              bit3 RX_ARMED bit4 RX_DONE
 *   0x20    RX_QUEUED  read    frames waiting in the host's queue
 *
 * TX_DONE/TX_ERROR clear on the next TX_CMD, RX_DONE on the next RX_CMD.
 */
import { COSTS } from "../costs";
import { CAUSE, MMIO_BASE, PAGE_SIZE } from "../isa";
import type { Device } from "../memory";
import type { DeviceBus } from "../events";

export const NIC_BASE = MMIO_BASE + 0x2000;
export const NIC_REG = {
  TX_ADDR: 0x00, TX_LEN: 0x04, TX_CMD: 0x08, RX_ADDR: 0x0c, RX_CAP: 0x10,
  RX_CMD: 0x14, RX_LEN: 0x18, STATUS: 0x1c, RX_QUEUED: 0x20,
} as const;
export const NIC_STATUS = { TX_BUSY: 1, TX_DONE: 2, TX_ERROR: 4, RX_ARMED: 8, RX_DONE: 16 } as const;
const MAX_FRAME = 65535;

/** The NIC's registers, its queue and the transfers in flight (at absolute cycles), as plain data. */
export interface NicState {
  readonly regs: number[];
  readonly status: number;
  readonly queue: number[][];
  /** The frame being sent and the cycle it is on the wire, or null. */
  readonly transmit: { readonly frame: number[]; readonly at: number } | null;
  /** The cycle the queue's first frame arrives in the armed buffer, or null. */
  readonly receiveAt: number | null;
}

export class Nic implements Device {
  readonly name = "nic";
  readonly base = NIC_BASE;
  readonly size = PAGE_SIZE;
  /** Frames the guest has transmitted, oldest first. */
  readonly sent: Uint8Array[] = [];
  /** Called with each transmitted frame (a host-side "wire"). */
  onTransmit: ((frame: Uint8Array) => void) | undefined;
  private readonly regs = new Uint32Array(9);
  private readonly queue: Uint8Array[] = [];
  private status = 0;
  private sending: { readonly frame: Uint8Array; readonly at: number } | null = null;
  private receiveAt: number | null = null;

  constructor(private readonly bus: DeviceBus) {}

  /** Frames from the host, received when the guest arms a buffer. */
  inject(frame: Uint8Array): void {
    this.queue.push(frame.slice());
    this.startReceive();
  }

  get queued(): number {
    return this.queue.length;
  }

  read(offset: number): number {
    if (offset === NIC_REG.STATUS) return this.status;
    if (offset === NIC_REG.RX_QUEUED) return this.queue.length;
    return (offset & 3) === 0 && offset < NIC_REG.STATUS ? this.regs[offset >> 2] : 0;
  }

  write(offset: number, value: number): void {
    if (offset === NIC_REG.TX_CMD) this.transmit();
    else if (offset === NIC_REG.RX_CMD) this.arm();
    else if ((offset & 3) === 0 && offset < NIC_REG.RX_LEN && offset !== NIC_REG.TX_CMD) this.regs[offset >> 2] = value;
  }

  private transmit(): void {
    const address = this.regs[NIC_REG.TX_ADDR >> 2];
    const length = this.regs[NIC_REG.TX_LEN >> 2];
    this.status &= ~(NIC_STATUS.TX_DONE | NIC_STATUS.TX_ERROR);
    const ok = !(this.status & NIC_STATUS.TX_BUSY) && length >= 1 && length <= MAX_FRAME && this.bus.memory.inRam(address, length);
    if (!ok) {
      this.status |= NIC_STATUS.TX_ERROR;
      this.bus.raise(CAUSE.NET);
      return;
    }
    const frame = this.bus.memory.readBytes(address, length);
    this.status |= NIC_STATUS.TX_BUSY;
    this.startSend({ frame, at: this.bus.now() + length * COSTS.netByte });
  }

  private startSend(sending: { readonly frame: Uint8Array; readonly at: number }): void {
    this.sending = sending;
    this.bus.schedule(Math.max(0, sending.at - this.bus.now()), () => {
      if (this.sending !== sending) return; // replaced by a restore
      this.sending = null;
      const frame = sending.frame;
      this.status = (this.status & ~NIC_STATUS.TX_BUSY) | NIC_STATUS.TX_DONE;
      this.sent.push(frame);
      this.bus.stats.nicFramesSent++;
      this.bus.stats.nicBytes += frame.length;
      this.onTransmit?.(frame);
      this.bus.raise(CAUSE.NET);
    });
  }

  saveState(): NicState {
    return {
      regs: Array.from(this.regs),
      status: this.status,
      queue: this.queue.map((f) => Array.from(f)),
      transmit: this.sending && { frame: Array.from(this.sending.frame), at: this.sending.at },
      receiveAt: this.receiveAt,
    };
  }

  /** Restores the state and re-schedules the transfers in flight on this NIC's bus. */
  restoreState(state: NicState): void {
    this.regs.set(state.regs);
    this.status = state.status;
    this.queue.length = 0;
    this.queue.push(...state.queue.map((f) => Uint8Array.from(f)));
    this.sending = null;
    this.receiveAt = null;
    if (state.transmit !== null) this.startSend({ frame: Uint8Array.from(state.transmit.frame), at: state.transmit.at });
    if (state.receiveAt !== null) this.scheduleReceive(state.receiveAt);
  }

  private arm(): void {
    this.status = (this.status & ~NIC_STATUS.RX_DONE) | NIC_STATUS.RX_ARMED;
    this.startReceive();
  }

  private startReceive(): void {
    if (this.receiveAt !== null || !(this.status & NIC_STATUS.RX_ARMED) || this.queue.length === 0) return;
    this.scheduleReceive(this.bus.now() + this.queue[0].length * COSTS.netByte);
  }

  private scheduleReceive(at: number): void {
    this.receiveAt = at;
    this.bus.schedule(Math.max(0, at - this.bus.now()), () => {
      if (this.receiveAt === at) this.deliver();
    });
  }

  private deliver(): void {
    const frame = this.queue.shift() as Uint8Array;
    this.receiveAt = null;
    const address = this.regs[NIC_REG.RX_ADDR >> 2];
    const length = Math.min(frame.length, this.regs[NIC_REG.RX_CAP >> 2]);
    if (this.bus.memory.inRam(address, length)) this.bus.memory.writeBytes(address, frame.subarray(0, length));
    this.regs[NIC_REG.RX_LEN >> 2] = frame.length;
    this.status = (this.status & ~NIC_STATUS.RX_ARMED) | NIC_STATUS.RX_DONE;
    this.bus.stats.nicFramesReceived++;
    this.bus.stats.nicBytes += frame.length;
    this.bus.raise(CAUSE.NET);
  }
}
