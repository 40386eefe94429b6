/**
 * The guest's fd-1 bytes as an engine's toy32 console receives them: all
 * kept for the result, and handed to a listener line by line (or every
 * 4 KiB), as C's stdio writes to a terminal.
 */
export class ByteSink {
  private readonly all: number[] = [];
  private streamed = 0;

  constructor(private readonly onOutput: ((bytes: Uint8Array) => void) | undefined) {}

  push(byte: number): void {
    this.all.push(byte);
    if (byte === 0x0a || this.all.length - this.streamed >= 4096) this.flush();
  }

  /** Hands what was written since the last flush to the listener. */
  flush(): void {
    if (this.onOutput === undefined || this.streamed === this.all.length) return;
    const chunk = Buffer.from(this.all.slice(this.streamed));
    this.streamed = this.all.length;
    this.onOutput(chunk);
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.all);
  }
}
