/**
 * What a cell's stream keeps under its cap, and what it drops: bytes and
 * lines, counted so a note can say exactly what is missing. Used on both
 * ends of iopub: in the kernel (iopub-queue.ts) and in the runner
 * (outputs.ts).
 */
export class StreamDrop {
  /** Bytes kept so far. */
  kept = 0;
  /** Bytes dropped so far. */
  bytes = 0;
  private newlines = 0;
  private openLine = false;

  constructor(readonly name: string, readonly cap: number) {}

  /** The part of `text` that still fits; the rest is counted. */
  keep(text: string): string {
    const room = Math.max(0, this.cap - this.kept);
    const size = Buffer.byteLength(text);
    let kept = text;
    if (size > room) {
      // A character is at least one byte: cut to `room` characters first, so
      // a 50 MB write is never copied whole.
      kept = Buffer.from(text.slice(0, room)).subarray(0, room).toString("utf8").replace(/\uFFFD$/, "");
      this.count(text.slice(kept.length), size - Buffer.byteLength(kept));
    }
    this.kept += Buffer.byteLength(kept);
    return kept;
  }

  /** Text dropped elsewhere (the kernel's count, folded into the runner's). */
  add(bytes: number, lines: number): void {
    this.bytes += bytes;
    this.newlines += lines;
  }

  /** Lines dropped: whole or partial, each counted once. */
  lineCount(): number {
    return this.newlines + (this.openLine ? 1 : 0);
  }

  private count(dropped: string, bytes: number): void {
    if (dropped === "") return;
    let newlines = 0;
    for (let i = dropped.indexOf("\n"); i >= 0; i = dropped.indexOf("\n", i + 1)) newlines++;
    this.newlines += newlines;
    this.openLine = !dropped.endsWith("\n");
    this.bytes += bytes;
  }
}

/**
 * "[vmlab: output truncated: 1,498 lines (12.3 KiB) of stdout were not kept;
 * a cell keeps 1.0 MiB per stream (--max-output)]" (score.ts reads this form)
 */
export function droppedNote(drop: StreamDrop): string {
  const lines = drop.lineCount();
  const what = `${lines.toLocaleString("en-US")} line${lines === 1 ? "" : "s"} (${formatBytes(drop.bytes)})`;
  return `\n[vmlab: output truncated: ${what} of ${drop.name} were not kept; a cell keeps ${formatBytes(drop.cap)} per stream (--max-output)]\n`;
}

export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} byte${n === 1 ? "" : "s"}`;
}
