/**
 * iopub messages into nbformat outputs, as JupyterLab's output area and
 * nbclient build them (messaging spec, "IOPub"; nbformat 4.5 outputs):
 *
 *   stream               appended to the cell's last output if that is a
 *                        stream of the same name (JupyterLab's OutputArea
 *                        and nbconvert's coalesce_streams merge them), and
 *                        `\r`-overwritten text removed as coalesce_streams does
 *   display_data         a new output; with transient.display_id it is
 *                        remembered for later updates
 *   update_display_data  replaces data and metadata of every earlier output
 *                        with that display_id, in any cell; adds nothing
 *   execute_result, error, clear_output   as the spec says (tslab sends none
 *                        of these, but a kernel may)
 *
 * `transient` is never written (nbformat has no such field).
 *
 * Output floods: a cell keeps at most `maxStreamBytes` of stream text per
 * stream name (default 1 MiB); the rest is counted, dropped, and announced
 * by a note at the end of that stream saying how many lines and bytes were
 * dropped. The kernel applies the same cap before sending (iopub-queue.ts)
 * and reports its count in a stream message carrying `vmlab_dropped`,
 * which is folded into the note here. Should the kernel's `idle` never come
 * (its output ended by silence, kernel.ts), the note says output may be
 * missing. Rich outputs are not capped.
 */
import type { DisplayDataOutput, ExecuteResultOutput, MimeBundle, Output, StreamOutput } from "./nbformat";
import { droppedNote, StreamDrop } from "./stream-drop";
import type { Message } from "./wire";

export { formatBytes } from "./stream-drop";

export const DEFAULT_MAX_OUTPUT_BYTES = 1 << 20;
/** How much of a cell's stderr is kept aside to build its `error` output. */
const STDERR_FOR_ERRORS = 64 * 1024;

type Rich = DisplayDataOutput | ExecuteResultOutput;

/** Outputs with a display_id, across all cells of one notebook. */
export class DisplayRegistry {
  private readonly byId = new Map<string, Rich[]>();

  remember(id: string, out: Rich): void {
    const list = this.byId.get(id) ?? [];
    list.push(out);
    this.byId.set(id, list);
  }

  update(id: string, data: MimeBundle, metadata: Record<string, unknown>): void {
    for (const out of this.byId.get(id) ?? []) {
      out.data = data;
      out.metadata = metadata;
    }
  }
}

/** The outputs of one cell, as its messages arrive. */
export class CellOutputs {
  readonly outputs: Output[] = [];
  /** The beginning of the cell's stderr, for errorFromStderr. */
  stderr = "";
  private readonly drops: Record<"stdout" | "stderr", StreamDrop>;
  private clearBeforeNext = false;
  /** Set when the cell's output was ended by silence, not by the kernel's `idle`. */
  endedBySilence = false;

  constructor(private readonly displays: DisplayRegistry, maxStreamBytes = DEFAULT_MAX_OUTPUT_BYTES) {
    this.drops = { stdout: new StreamDrop("stdout", maxStreamBytes), stderr: new StreamDrop("stderr", maxStreamBytes) };
  }

  /** One iopub message whose parent is this cell's execute_request. */
  handle(msg: Message): void {
    const c = msg.content;
    const displayId = (c.transient as { display_id?: unknown } | undefined)?.display_id;
    const id = typeof displayId === "string" && displayId !== "" ? displayId : undefined;
    switch (msg.header.msg_type) {
      case "stream": {
        const name = c.name === "stderr" ? "stderr" : "stdout";
        const dropped = c.vmlab_dropped as { bytes?: unknown; lines?: unknown } | undefined;
        if (dropped && typeof dropped === "object") return this.drops[name].add(Number(dropped.bytes) || 0, Number(dropped.lines) || 0);
        return this.stream(name, String(c.text ?? ""));
      }
      case "display_data":
        return this.rich({ output_type: "display_data", data: bundle(c.data), metadata: bundle(c.metadata) }, id);
      case "execute_result": {
        const count = typeof c.execution_count === "number" ? c.execution_count : null;
        return this.rich({ output_type: "execute_result", execution_count: count, data: bundle(c.data), metadata: bundle(c.metadata) }, id);
      }
      case "update_display_data":
        if (id) this.displays.update(id, bundle(c.data), bundle(c.metadata));
        return;
      case "error":
        return this.add({ output_type: "error", ename: String(c.ename), evalue: String(c.evalue), traceback: (c.traceback as string[]) ?? [] });
      case "clear_output":
        if (c.wait) this.clearBeforeNext = true;
        else this.outputs.length = 0;
        return;
    }
  }

  private rich(out: Rich, displayId: string | undefined): void {
    if (displayId) {
      this.displays.update(displayId, out.data, out.metadata);
      this.displays.remember(displayId, out);
    }
    this.add(out);
  }

  private add(out: Output): void {
    if (this.clearBeforeNext) {
      this.outputs.length = 0;
      this.clearBeforeNext = false;
    }
    this.outputs.push(out);
  }

  private stream(name: "stdout" | "stderr", text: string): void {
    if (name === "stderr" && this.stderr.length < STDERR_FOR_ERRORS) this.stderr += text.slice(0, STDERR_FOR_ERRORS - this.stderr.length);
    text = this.drops[name].keep(text);
    if (text === "") return;
    const last = this.outputs[this.outputs.length - 1];
    if (!this.clearBeforeNext && last?.output_type === "stream" && last.name === name) last.text = String(last.text) + text;
    else this.add({ output_type: "stream", name, text });
  }

  /** An output the runner adds itself (timeouts, dead kernels, errors). */
  push(out: Output): void {
    this.add(out);
  }

  /** The final outputs: truncation notes added, overwritten `\r` text removed. */
  finish(): Output[] {
    for (const name of ["stdout", "stderr"] as const) {
      if (this.drops[name].bytes > 0) this.appendNote(name, droppedNote(this.drops[name]));
    }
    if (this.endedBySilence) this.appendNote("stderr", SILENCE_NOTE);
    for (const out of this.outputs) {
      if (out.output_type === "stream") out.text = removeOverwritten(String(out.text));
    }
    return this.outputs;
  }

  private appendNote(name: "stdout" | "stderr", note: string): void {
    const streams = this.outputs.filter((o): o is StreamOutput => o.output_type === "stream" && o.name === name);
    const last = streams[streams.length - 1];
    if (last) last.text = String(last.text) + note;
    else this.outputs.push({ output_type: "stream", name, text: note });
  }
}

function bundle(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

const SILENCE_NOTE = "[vmlab: the kernel never said this cell's output was complete; output it sent late may be missing]\n";

/** nbconvert's coalesce_streams: text before a `\r` on its line is overwritten. */
const OVERWRITTEN = /[^\n]*\r(?=[^\n])/g;

function removeOverwritten(text: string): string {
  return text.includes("\r") ? text.replace(OVERWRITTEN, "") : text;
}
