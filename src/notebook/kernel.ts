/**
 * One tslab kernel and the client end of its sockets: what JupyterLab's
 * kernel manager does, in TypeScript.
 *
 *   vmlab (this process)                      tslab kernel (own process group)
 *   ─────────────────────                     ────────────────────────────────
 *   Dealer  shell   ── execute_request ──▶    Router  shell
 *                   ◀── execute_reply ───
 *   Dealer  control ── shutdown_request ─▶    Router  control
 *   Subscriber iopub ◀── status, stream,      Publisher iopub
 *                        display_data ...
 *
 * The sockets are Unix-domain (ipc://) endpoints in a fresh private
 * directory, named in a fresh connection file with a random HMAC key
 * (jupyter_client's "connection file", messaging spec "Creating a kernel").
 * The kernel runs detached in its own process group, so SIGINT reaches it
 * (tslab has no interrupt_request) and a kill reaches anything it spawned;
 * orphan-guard.ts ends it should vmlab die without shutting it down.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zmq from "zeromq";
import { Message, newKey, Session } from "./wire";
import { kernelCommand } from "./kernelspec";
import { ensureLibraryResolves } from "./library-link";
import { ORPHAN_GUARD_FILE, ORPHAN_GUARD_JS, ORPHAN_PARENT_ENV } from "./orphan-guard";
import { delay, setClampedTimeout } from "./timers";

/** How a kernel process ended, and the tail of what it printed itself. */
export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last bytes of the process's own stderr (e.g. V8's out-of-memory report). */
  stderr: string;
}

/** tslab's execute_reply content. */
export interface ExecuteReply {
  status: "ok" | "error" | "abort";
  execution_count: number | null;
  /** How the request's output ended: the kernel's `idle`, or iopub silence after the reply. */
  endedBy?: "idle" | "silence";
}

export interface KernelOptions {
  /** How long the kernel may take to answer; default 60 s. */
  startTimeoutSeconds?: number;
  /** Stream text the kernel sends per cell and stream (iopub-queue.ts); default 1 MiB. */
  maxOutputBytes?: number;
}

/**
 * Kernels this process has started and not yet reaped: killed, and their
 * connection folders removed, if vmlab exits (process.exit from a SIGINT
 * or SIGTERM handler runs this too; a SIGKILL leaves it to orphan-guard.ts).
 */
const LIVE = new Set<Kernel>();
process.on("exit", () => {
  for (const k of LIVE) k.abandon();
});

/**
 * Resend kernel_info_request this often until the kernel answers
 * (NOTES-tslab.md); once it has answered on shell, its iopub messages may
 * still be lost while our subscription propagates: then ask again sooner.
 */
const HANDSHAKE_RETRY_MS = 1000;
const IOPUB_RETRY_MS = 100;
/** After execute_reply, how long iopub may stay silent before `idle` is given up on. */
const IDLE_AFTER_REPLY_MS = 3000;
const STDERR_TAIL = 16 * 1024;
/** How long iopub may still deliver after the kernel process has exited. */
const LAST_WORDS_MS = 150;

/** A started kernel that never answered its handshake (it is killed). */
class KernelSilent extends Error {}

export class Kernel {
  private readonly session: Session;
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly iopub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  private readonly replies = new Map<string, (msg: Message) => void>();
  private readonly listeners = new Map<string, (msg: Message) => void>();
  private sends: Promise<void> = Promise.resolve();
  private stderrTail = "";
  private exitInfo: KernelExit | undefined;
  /** The kernel_info_reply content (language_info, implementation, ...). */
  info: Record<string, unknown> = {};
  /** Resolves when the kernel process has exited, however it ended (and its last words have come). */
  readonly exited: Promise<KernelExit>;
  /** Resolves as soon as the process has exited, without waiting for its last words. */
  private readonly gone: Promise<void>;

  private constructor(private readonly child: ChildProcess, private readonly dir: string, key: string) {
    this.session = new Session(key);
    LIVE.add(this);
    child.stdout?.on("data", () => undefined);
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    let markGone: () => void = () => undefined;
    this.gone = new Promise((resolve) => (markGone = resolve));
    this.exited = new Promise((resolve) => {
      const ended = (code: number | null, signal: NodeJS.Signals | null, why = ""): void => {
        if (this.exitInfo) return;
        this.exitInfo = { code, signal, stderr: this.stderrTail + why };
        this.killGroup("SIGKILL"); // anything the kernel left behind
        LIVE.delete(this);
        markGone();
        // What the kernel published just before it died may still be on
        // its way through the socket: let it arrive.
        setClampedTimeout(() => {
          const info = this.exitInfo as KernelExit;
          info.stderr = this.stderrTail + why; // V8's last report may come after the exit event
          resolve(info);
        }, LAST_WORDS_MS);
      };
      child.on("exit", (code, signal) => ended(code, signal));
      child.on("error", (err) => ended(null, null, `could not start: ${err.message}`));
    });
  }

  /**
   * Starts tslab with `cwd` as its working directory and waits until it
   * answers. A kernel that is alive but never answers within the start
   * timeout (seen on a machine loaded by a whole test suite: the handshake
   * never completes) is killed and one fresh kernel is tried in its place.
   */
  static async start(cwd: string, options: KernelOptions = {}): Promise<Kernel> {
    try {
      return await Kernel.startOnce(cwd, options);
    } catch (err) {
      if (!(err instanceof KernelSilent)) throw err;
      return Kernel.startOnce(cwd, options);
    }
  }

  private static async startOnce(cwd: string, options: KernelOptions): Promise<Kernel> {
    if (!fs.existsSync(cwd)) throw new Error(`cannot start a kernel in ${cwd}: no such folder`);
    ensureLibraryResolves(cwd);
    // A Unix socket's path must stay under ~100 bytes: a long TMPDIR falls back to /tmp.
    const tmp = os.tmpdir().length <= 60 ? os.tmpdir() : "/tmp";
    const dir = fs.mkdtempSync(path.join(tmp, "vmlab-k-"));
    const key = newKey();
    const conn = path.join(dir, "connection.json");
    fs.writeFileSync(conn, JSON.stringify(connectionInfo(dir, key)), { mode: 0o600 });
    const guard = path.join(dir, ORPHAN_GUARD_FILE);
    fs.writeFileSync(guard, ORPHAN_GUARD_JS);
    const [node, ...args] = kernelCommand(conn, ["--require", guard]);
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (options.maxOutputBytes !== undefined) env.VMLAB_STREAM_CAP = String(options.maxOutputBytes);
    env[ORPHAN_PARENT_ENV] = String(process.pid); // the orphan guard's runner, whenever it starts watching
    let child: ChildProcess;
    try {
      child = spawn(node, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const kernel = new Kernel(child, dir, key);
    try {
      kernel.connect();
      await kernel.handshake((options.startTimeoutSeconds ?? 60) * 1000);
    } catch (err) {
      await kernel.shutdown();
      throw err;
    }
    return kernel;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process has exited (and how), so far. */
  get exit(): KernelExit | undefined {
    return this.exitInfo;
  }

  private connect(): void {
    const base = `ipc://${path.join(this.dir, "k")}`;
    this.shell.connect(`${base}:${PORTS.shell}`);
    this.control.connect(`${base}:${PORTS.control}`);
    this.iopub.connect(`${base}:${PORTS.iopub}`);
    this.iopub.subscribe();
    void this.receiveLoop(this.shell, (msg) => this.replies.get(msg.parent_header.msg_id ?? "")?.(msg));
    void this.receiveLoop(this.control, (msg) => this.replies.get(msg.parent_header.msg_id ?? "")?.(msg));
    void this.receiveLoop(this.iopub, (msg) => this.listeners.get(msg.parent_header.msg_id ?? "")?.(msg));
  }

  private async receiveLoop(socket: zmq.Dealer | zmq.Subscriber, dispatch: (msg: Message) => void): Promise<void> {
    while (!socket.closed) {
      let frames: Buffer[];
      try {
        frames = await socket.receive();
      } catch {
        return; // closed
      }
      const msg = this.session.decode(frames);
      if (msg) dispatch(msg);
    }
  }

  /** zeromq v6 allows one pending send per socket: queue them. */
  private send(socket: zmq.Dealer, msg: Message): void {
    const frames = this.session.encode(msg);
    this.sends = this.sends.then(() => socket.send(frames)).catch(() => undefined);
  }

  /**
   * tslab sends no iopub welcome, and a Subscriber misses what is published
   * before it has joined: ask kernel_info about once a second until both a
   * reply and an iopub message have come back.
   */
  private async handshake(timeoutMs: number): Promise<void> {
    let replied = false;
    let heard = false;
    const ids: string[] = [];
    const deadline = Date.now() + timeoutMs;
    let lastAsked = 0;
    try {
      while (!(replied && heard)) {
        if (this.exitInfo) throw new Error(`the tslab kernel exited while starting (${describeExit(this.exitInfo)})`);
        if (Date.now() > deadline) throw new KernelSilent(`the tslab kernel did not answer within ${timeoutMs / 1000} s`);
        if (Date.now() - lastAsked >= (replied ? IOPUB_RETRY_MS : HANDSHAKE_RETRY_MS)) {
          const msg = this.session.request("kernel_info_request", {});
          ids.push(msg.header.msg_id);
          this.replies.set(msg.header.msg_id, (reply) => {
            replied = true;
            this.info = reply.content;
          });
          this.listeners.set(msg.header.msg_id, () => (heard = true));
          this.send(this.shell, msg);
          lastAsked = Date.now();
        }
        await Promise.race([delay(20), this.exited]);
      }
    } finally {
      for (const id of ids) {
        this.replies.delete(id);
        this.listeners.delete(id);
      }
    }
  }

  /**
   * Runs `code`; `onIopub` sees the iopub messages it causes. Resolves when
   * both the execute_reply and the iopub `status: idle` have arrived
   * (messaging spec: "the kernel is idle" ends a request's output), or the
   * kernel exited first (then with undefined).
   */
  execute(code: string, onIopub: (msg: Message) => void): Promise<ExecuteReply | undefined> {
    const msg = this.session.request("execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    const done = this.track(msg.header.msg_id, onIopub);
    this.send(this.shell, msg);
    return done;
  }

  /**
   * The end of request `id`: its reply and its `idle`. Should the idle be
   * lost (a flood can overrun tslab's publisher), iopub silence for
   * IDLE_AFTER_REPLY_MS after the reply ends it too, as nbclient's
   * iopub_timeout does.
   */
  private track(id: string, onIopub: (msg: Message) => void): Promise<ExecuteReply | undefined> {
    return new Promise((resolve) => {
      let reply: ExecuteReply | undefined;
      let idle = false;
      let silence: NodeJS.Timeout | undefined;
      const finish = (): void => {
        clearTimeout(silence);
        if (reply) reply.endedBy = idle ? "idle" : "silence";
        this.replies.delete(id);
        this.listeners.delete(id);
        resolve(reply);
      };
      const waitForIdle = (): void => {
        clearTimeout(silence);
        silence = setClampedTimeout(finish, IDLE_AFTER_REPLY_MS);
      };
      this.replies.set(id, (r) => {
        reply = { status: r.content.status as ExecuteReply["status"], execution_count: (r.content.execution_count as number | undefined) ?? null };
        if (idle) finish();
        else waitForIdle();
      });
      this.listeners.set(id, (m) => {
        const isIdle = m.header.msg_type === "status" && m.content.execution_state === "idle";
        if (isIdle) idle = true;
        else onIopub(m);
        if (reply) (isIdle ? finish : waitForIdle)();
      });
      void this.exited.then(() => {
        reply = undefined; // died before the request ended
        finish();
      });
    });
  }

  /** SIGINT to the kernel's process group: tslab interrupts the running cell. */
  interrupt(): void {
    this.killGroup("SIGINT");
  }

  /** SIGKILL to the kernel's process group. */
  kill(): void {
    this.killGroup("SIGKILL");
  }

  /** As vmlab exits: the group killed and the connection folder removed, synchronously. */
  abandon(): void {
    this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private killGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  }

  /**
   * shutdown_request on the control channel, then the process group killed
   * as soon as tslab has answered (shutdown_reply) or `graceMs` has passed.
   * A tslab kernel has nothing to save, and waiting for its process to
   * end by itself cost each notebook up to the whole grace period (measured
   * 0.9-2 s under load, much of it with the kernel already silent).
   * Always closes the sockets and removes the connection directory; waits
   * until the process is gone.
   */
  async shutdown(graceMs = 1000): Promise<KernelExit> {
    if (!this.exitInfo) {
      const request = this.session.request("shutdown_request", { restart: false });
      const answered = new Promise<void>((resolve) => this.replies.set(request.header.msg_id, () => resolve()));
      this.send(this.control, request);
      await Promise.race([answered, delay(graceMs), this.exited]);
      this.replies.delete(request.header.msg_id);
    }
    this.kill();
    for (const s of [this.shell, this.control, this.iopub]) s.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
    await this.gone; // a shut-down kernel has nothing more to say: no wait for last words
    return this.exitInfo as KernelExit;
  }
}

/** The ports are names of ipc endpoints here, not TCP ports. */
const PORTS = { shell: 1, iopub: 2, stdin: 3, control: 4, hb: 5 };

function connectionInfo(dir: string, key: string): Record<string, unknown> {
  return {
    transport: "ipc",
    ip: path.join(dir, "k"),
    shell_port: PORTS.shell,
    iopub_port: PORTS.iopub,
    stdin_port: PORTS.stdin,
    control_port: PORTS.control,
    hb_port: PORTS.hb,
    key,
    signature_scheme: "hmac-sha256",
    kernel_name: "tslab",
  };
}

/** "exit code 3", "signal SIGKILL", or "out of memory" when V8 said so. */
export function describeExit(exit: KernelExit): string {
  if (/heap out of memory|Allocation failed/i.test(exit.stderr)) return "out of memory";
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.code === null) return exit.stderr.split("\n").filter((l) => l.trim() !== "").pop() ?? "no exit code";
  return `exit code ${exit.code}`;
}
