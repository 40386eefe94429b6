/**
 * Loaded into every tslab kernel before tslab itself (`node --require
 * dist/notebook/iopub-queue.js tslab kernel ...`, kernelspec.ts): the
 * kernel's iopub Publisher sends in order and loses nothing.
 *
 * Why: zeromq v6 allows one pending send per socket and *throws* EBUSY on
 * the next one. tslab sends a stream message per write without waiting, so
 * once its Publisher has a send pending (after some 500 quick writes) every
 * later write throws, and console.log swallows the throw: a cell printing
 * 2,000 lines in a loop kept about 500, and the `status: idle` that ends
 * the cell was lost with them.
 *
 *   tslab ── send(frames) ──▶ queue ──▶ zeromq, straight through until it
 *                              │         says EBUSY, then after its pending send
 *                              └ while waiting, consecutive streams of one
 *                                cell and name merge into one message (re-signed)
 *
 * Stream text is kept up to VMLAB_STREAM_CAP bytes (default 1 MiB) per
 * request and stream name, the runner's --max-output; what is dropped
 * beyond it is counted, and before that request's `idle` one more stream
 * message says so: its text is a note a person reads in Jupyter, and its
 * content carries `vmlab_dropped: {bytes, lines}` for the runner
 * (outputs.ts), which folds the counts into its own note.
 */
import { createHmac } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { droppedNote, StreamDrop } from "./stream-drop";

const DELIMITER = "<IDS|MSG>";
const DEFAULT_CAP = 1 << 20;

type Json = Record<string, unknown>;

/** One message waiting to be sent; a stream's parts stay parsed so more text can join it. */
interface Queued {
  identities: Buffer[];
  header: Json;
  parent: Json;
  metadata: Json;
  content: Json;
}

interface Sendable {
  send(frames: Buffer[]): Promise<void>;
}

type PublisherClass = new (...args: unknown[]) => Sendable;

function connectionKey(): string {
  const at = process.argv.indexOf("--config-path");
  const file = at >= 0 ? process.argv[at + 1] : undefined;
  if (!file) return "";
  try {
    return String((JSON.parse(fs.readFileSync(file, "utf8")) as { key?: unknown }).key ?? "");
  } catch {
    return "";
  }
}

/**
 * A stream or status message, parsed; anything else (a display of many
 * megabytes) is left as it is, sent as it came, never parsed or re-signed.
 */
function parse(frames: Array<Buffer | string>): Queued | undefined {
  const bufs = frames.map((f) => (typeof f === "string" ? Buffer.from(f) : f));
  const at = bufs.findIndex((f) => f.length === DELIMITER.length && f.toString() === DELIMITER);
  if (at < 0 || bufs.length !== at + 6) return undefined;
  try {
    const type = (JSON.parse(bufs[at + 2].toString("utf8")) as Json).msg_type;
    if (type !== "stream" && type !== "status") return undefined;
    const [header, parent, metadata, content] = bufs.slice(at + 2).map((b) => JSON.parse(b.toString("utf8")) as Json);
    return { identities: bufs.slice(0, at), header, parent, metadata, content };
  } catch {
    return undefined;
  }
}

function encode(msg: Queued, key: string): Buffer[] {
  const parts = [msg.header, msg.parent, msg.metadata, msg.content].map((p) => Buffer.from(JSON.stringify(p)));
  const hmac = createHmac("sha256", key);
  for (const p of parts) hmac.update(p);
  return [...msg.identities, Buffer.from(DELIMITER), Buffer.from(hmac.digest("hex")), ...parts];
}

const isStream = (m: Queued): boolean => m.header.msg_type === "stream";
const parentId = (m: Queued): string => String(m.parent.msg_id ?? "");
const isIdle = (m: Queued): boolean => m.header.msg_type === "status" && m.content.execution_state === "idle";

/**
 * The queue of one socket. zeromq's sockets are sealed objects (no new
 * properties), so the queue lives beside its socket, not on it.
 */
class SendQueue {
  private readonly queue: Array<Queued | Buffer[]> = [];
  /** zeromq's pending send, if it has one. */
  private lastSend: Promise<void> = Promise.resolve();
  private waiting = false;
  private readonly drops = new Map<string, StreamDrop>();

  constructor(private readonly sendNow: (frames: Buffer[]) => Promise<void>, private readonly key: string, private readonly cap: number) {}

  send(frames: Buffer[]): void {
    const msg = parse(frames);
    if (!msg) this.queue.push(frames.map((f) => (typeof f === "string" ? Buffer.from(f) : f)));
    else if (isStream(msg)) this.stream(msg);
    else {
      if (isIdle(msg)) this.noteDrops(msg);
      this.queue.push(msg);
    }
    this.pump();
  }

  private stream(msg: Queued): void {
    const name = String(msg.content.name ?? "stdout");
    const id = `${parentId(msg)}\0${name}`;
    const drop = this.drops.get(id) ?? new StreamDrop(name, this.cap);
    this.drops.set(id, drop);
    const text = drop.keep(String(msg.content.text ?? ""));
    if (text === "") return;
    const last = this.queue[this.queue.length - 1];
    if (last && !Array.isArray(last) && isStream(last) && parentId(last) === parentId(msg) && last.content.name === name) {
      last.content.text = String(last.content.text) + text;
    } else {
      this.queue.push({ ...msg, content: { ...msg.content, text } });
    }
  }

  /** Before a request's idle: one stream message per stream that dropped text. */
  private noteDrops(idle: Queued): void {
    for (const [id, drop] of this.drops) {
      if (!id.startsWith(`${parentId(idle)}\0`)) continue;
      this.drops.delete(id);
      if (drop.bytes === 0) continue;
      this.queue.push({
        ...idle,
        header: { ...idle.header, msg_type: "stream", msg_id: `${String(idle.header.msg_id)}-dropped-${drop.name}` },
        content: { name: drop.name, text: droppedNote(drop), vmlab_dropped: { bytes: drop.bytes, lines: drop.lineCount() } },
      });
    }
  }

  /**
   * Sends what is queued, in order, straight away while zeromq takes it (a
   * message sent just before process.exit still goes out); once zeromq
   * says EBUSY, waits for its pending send and goes on from there.
   */
  private pump(): void {
    if (this.waiting) return;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      try {
        this.lastSend = this.sendNow(Array.isArray(next) ? next : encode(next, this.key)).catch(() => undefined);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EBUSY") {
          this.queue.shift(); // a closed socket: this message cannot go out
          continue;
        }
        this.waiting = true;
        void this.lastSend.then(() => {
          this.waiting = false;
          this.pump();
        });
        return;
      }
      this.queue.shift();
    }
  }
}

/** Wraps a zeromq Publisher class so that its sends queue instead of throwing. */
export function queuedPublisher(Base: PublisherClass, key: string, cap: number): PublisherClass {
  const baseSend = (Base.prototype as Sendable).send;
  const queues = new WeakMap<object, SendQueue>();
  return class QueuedPublisher extends Base {
    override send(frames: Buffer[]): Promise<void> {
      let queue = queues.get(this);
      if (!queue) {
        queue = new SendQueue((f) => baseSend.call(this, f), key, cap);
        queues.set(this, queue);
      }
      queue.send(frames);
      return Promise.resolve();
    }
  };
}

/** Installs the queue on the zeromq module tslab will load. */
function install(): void {
  let zeromq: { Publisher: PublisherClass };
  try {
    const tslabDir = path.dirname(require.resolve("tslab/package.json"));
    zeromq = require(require.resolve("zeromq", { paths: [tslabDir] })) as { Publisher: PublisherClass };
  } catch {
    return; // not a tslab kernel of this install: leave it alone
  }
  const cap = Number(process.env.VMLAB_STREAM_CAP);
  zeromq.Publisher = queuedPublisher(zeromq.Publisher, connectionKey(), Number.isFinite(cap) && cap > 0 ? cap : DEFAULT_CAP);
}

// Only in a kernel (tslab kernel --config-path FILE); importing this file elsewhere changes nothing.
if (process.argv.includes("--config-path")) install();
