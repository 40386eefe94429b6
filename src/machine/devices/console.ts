/**
 * The console (ISA.md: "a byte stored at 0xFFFF0000 (CONSOLE_TX) is printed
 * on the console"). Output is captured as a string and, if asked, streamed
 * as it is written. Input is whatever the host queues with `input()`.
 *
 *   offset  register   access  meaning
 *   ------  ---------  ------  ---------------------------------------------
 *   0x00    TX         write   low byte is printed (0xFFFF0000, fixed)
 *   0x04    RX         read    next input byte, or 0xFFFFFFFF if none
 *   0x08    STATUS     read    bit0: an input byte is waiting
 *   0x0C    CTRL       r/w     bit0: raise CONSOLE (19) when input arrives
 */
import { CAUSE, CONSOLE_TX, PAGE_SIZE } from "../isa";
import type { Device } from "../memory";
import type { DeviceBus } from "../events";

export const CONSOLE_REG = { TX: 0x00, RX: 0x04, STATUS: 0x08, CTRL: 0x0c } as const;

/** Everything the console holds, as plain data (a snapshot's part). */
export interface ConsoleState {
  /** What was printed so far (decoded), and the bytes of an unfinished UTF-8 sequence. */
  readonly output: string;
  readonly pendingBytes: number[];
  readonly input: number[];
  readonly interruptOnInput: boolean;
}

export class Console implements Device {
  readonly name = "console";
  readonly base = CONSOLE_TX;
  readonly size = PAGE_SIZE;
  private chunks: string[] = [];
  private pendingBytes: number[] = [];
  private readonly inputQueue: number[] = [];
  private interruptOnInput = false;
  /** Called with each printed character, for streaming output. */
  onOutput: ((text: string) => void) | undefined;
  /** Called with each byte as the guest stores it, before decoding (for byte-exact output). */
  onByte: ((byte: number) => void) | undefined;

  constructor(private readonly bus: DeviceBus) {}

  /** Everything printed so far, decoded as UTF-8. */
  get output(): string {
    this.flushBytes();
    return this.chunks.join("");
  }

  clearOutput(): void {
    this.chunks = [];
    this.pendingBytes = [];
  }

  /** Queues input bytes for the guest (RX), raising CONSOLE if enabled. */
  input(text: string | Uint8Array): void {
    const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
    for (const b of bytes) this.inputQueue.push(b);
    if (bytes.length > 0 && this.interruptOnInput) this.bus.raise(CAUSE.CONSOLE);
  }

  saveState(): ConsoleState {
    return { output: this.chunks.join(""), pendingBytes: [...this.pendingBytes], input: [...this.inputQueue], interruptOnInput: this.interruptOnInput };
  }

  /** Restores the state; output already printed is not streamed again. */
  restoreState(state: ConsoleState): void {
    this.chunks = state.output === "" ? [] : [state.output];
    this.pendingBytes = [...state.pendingBytes];
    this.inputQueue.length = 0;
    this.inputQueue.push(...state.input);
    this.interruptOnInput = state.interruptOnInput;
  }

  read(offset: number): number {
    switch (offset) {
      case CONSOLE_REG.RX: return this.inputQueue.length > 0 ? (this.inputQueue.shift() as number) : 0xffffffff;
      case CONSOLE_REG.STATUS: return this.inputQueue.length > 0 ? 1 : 0;
      case CONSOLE_REG.CTRL: return this.interruptOnInput ? 1 : 0;
      default: return 0;
    }
  }

  write(offset: number, value: number): void {
    if (offset === CONSOLE_REG.TX) this.print(value & 0xff);
    else if (offset === CONSOLE_REG.CTRL) this.interruptOnInput = (value & 1) !== 0;
  }

  private print(byte: number): void {
    this.bus.stats.consoleBytes++;
    this.onByte?.(byte);
    this.pendingBytes.push(byte);
    // Decode once a UTF-8 sequence is complete (an ASCII byte always is).
    if (byte < 0x80 || this.sequenceComplete()) this.flushBytes();
  }

  private sequenceComplete(): boolean {
    const lead = this.pendingBytes[0];
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    return this.pendingBytes.length >= need;
  }

  private flushBytes(): void {
    if (this.pendingBytes.length === 0) return;
    const text = Buffer.from(this.pendingBytes).toString("utf8");
    this.pendingBytes = [];
    this.chunks.push(text);
    if (this.chunks.length >= 4096) this.chunks = [this.chunks.join("")]; // bounded bookkeeping
    this.onOutput?.(text);
  }
}
