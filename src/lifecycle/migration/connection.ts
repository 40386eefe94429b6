/**
 * A TCP connection as the migration protocol uses it: send a frame and
 * wait until the kernel has taken it, receive the next frame. A peer that
 * closes, resets or sends garbage fails every pending and later call with
 * one error, which the caller turns into "the migration failed".
 */
import * as net from "net";
import { UserError } from "../../errors";
import { FrameReader, type Frame } from "./protocol";

export class Connection {
  private readonly frames: Frame[] = [];
  private readonly waiting: { resolve: (f: Frame) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;
  private readonly reader: FrameReader;
  /** Bytes written so far (what crossed the wire, frames included). */
  bytesSent = 0;

  constructor(readonly socket: net.Socket, readonly peer: string) {
    this.reader = new FrameReader(peer);
    socket.on("data", (data: Buffer) => {
      try {
        for (const f of this.reader.push(data)) this.deliver(f);
      } catch (e) {
        this.fail(e as Error);
        socket.destroy();
      }
    });
    socket.on("error", (e) => this.fail(new UserError(`${peer}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
    socket.on("close", () => this.fail(new UserError(`${peer}: the connection closed`)));
  }

  /** Connects to host:port. */
  static open(host: string, port: number): Promise<Connection> {
    const peer = `${host}:${port}`;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.once("connect", () => resolve(new Connection(socket, peer)));
      socket.once("error", (e) => reject(new UserError(`cannot connect to ${peer}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
    });
  }

  send(bytes: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.bytesSent += bytes.length;
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (e) => (e ? reject(this.failure ?? e) : resolve()));
    });
  }

  receive(): Promise<Frame> {
    const next = this.frames.shift();
    if (next) return Promise.resolve(next);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  close(): void {
    this.socket.end();
  }

  private deliver(f: Frame): void {
    const w = this.waiting.shift();
    if (w) w.resolve(f);
    else this.frames.push(f);
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const w of this.waiting.splice(0)) w.reject(e);
  }
}
