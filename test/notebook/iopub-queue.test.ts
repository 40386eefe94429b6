/**
 * The kernel's iopub queue (iopub-queue.ts) against a stand-in for zeromq's
 * Publisher that behaves as zeromq v6 does: while one send is pending, the
 * next throws EBUSY. Nothing may be lost or reordered, streams waiting
 * together merge, and text over the cap becomes a count before the idle.
 */
import { describe, expect, it } from "vitest";
import { queuedPublisher } from "../../src/notebook/iopub-queue";
import { Session, type Message } from "../../src/notebook/wire";

const KEY = "secret";

/** Sends complete only when `release()` is called, as a socket whose peer is slow. */
class SlowPublisher {
  static sent: Buffer[][] = [];
  static pending: (() => void) | undefined;
  send(frames: Buffer[]): Promise<void> {
    if (SlowPublisher.pending) throw Object.assign(new Error("Socket is busy writing"), { code: "EBUSY" });
    SlowPublisher.sent.push(frames);
    return new Promise((resolve) => (SlowPublisher.pending = () => ((SlowPublisher.pending = undefined), resolve())));
  }
}

const kernel = new Session(KEY);
const parent = kernel.request("execute_request", {}).header;
function frames(msgType: string, content: Record<string, unknown>): Buffer[] {
  const msg = kernel.request(msgType, content);
  msg.parent_header = parent;
  return kernel.encode(msg);
}
const decoded = (): Message[] => SlowPublisher.sent.map((f) => new Session(KEY).decode(f) as Message);

async function drain(): Promise<void> {
  for (let i = 0; i < 100 && SlowPublisher.pending; i++) {
    SlowPublisher.pending();
    await new Promise((r) => setImmediate(r));
  }
}

describe("the kernel's iopub queue", () => {
  it("loses nothing while zeromq is busy: streams merge, order holds, the cap's drop is counted before idle", async () => {
    SlowPublisher.sent = [];
    const Publisher = queuedPublisher(SlowPublisher as never, KEY, 30);
    const pub = new Publisher();
    pub.send(frames("status", { execution_state: "busy" }));
    for (let i = 0; i < 10; i++) pub.send(frames("stream", { name: "stdout", text: `line ${i}\n` })); // 7 bytes each
    pub.send(frames("display_data", { data: { "text/plain": "x" }, metadata: {} }));
    pub.send(frames("status", { execution_state: "idle" }));
    await drain();
    const msgs = decoded();
    expect(msgs.every((m) => m !== undefined)).toBe(true); // re-signed with the kernel's key
    expect(msgs.map((m) => [m.header.msg_type, m.content.text ?? m.content.execution_state ?? ""])).toEqual([
      ["status", "busy"],
      ["stream", "line 0\nline 1\nline 2\nline 3\nli"], // 30 bytes kept, in one message; lines 4 (its rest) to 9 dropped
      ["display_data", ""],
      ["stream", "\n[vmlab: output truncated: 6 lines (40 bytes) of stdout were not kept; a cell keeps 30 bytes per stream (--max-output)]\n"],
      ["status", "idle"],
    ]);
    expect(msgs[3].content.vmlab_dropped).toEqual({ bytes: 40, lines: 6 });
    expect(msgs.every((m) => m.parent_header.msg_id === parent.msg_id)).toBe(true);
  });
});
