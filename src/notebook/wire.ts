/**
 * The Jupyter wire protocol, version 5.3
 * (https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol):
 * how one message travels as ZeroMQ frames.
 *
 *   [identities...]        routing prefix (a Dealer sends none)
 *   "<IDS|MSG>"            delimiter
 *   signature              HMAC-SHA256, hex, over the next four frames
 *   header                 JSON {msg_id, session, username, date, msg_type, version}
 *   parent_header          JSON, the header of the request this answers
 *   metadata               JSON
 *   content                JSON
 *   [buffers...]           raw extra frames (unused by tslab)
 *
 * Messages whose signature does not check are dropped, as jupyter_client's
 * Session.deserialize refuses them.
 */
import { createHmac, randomBytes, timingSafeEqual } from "crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = "<IDS|MSG>";

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface Message {
  header: MessageHeader;
  /** The header of the request this message answers; `{}` for requests. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}

/** One client's identity on the wire: its session id and signing key. */
export class Session {
  readonly id = randomBytes(16).toString("hex");
  private counter = 0;

  constructor(private readonly key: string) {}

  /** A new request with a fresh msg_id. */
  request(msgType: string, content: Record<string, unknown>): Message {
    return {
      header: {
        msg_id: `${this.id}_${++this.counter}`,
        msg_type: msgType,
        session: this.id,
        username: "vmlab",
        date: new Date().toISOString(),
        version: PROTOCOL_VERSION,
      },
      parent_header: {},
      metadata: {},
      content,
    };
  }

  /** The frames a Dealer sends for `msg` (no routing identities). */
  encode(msg: Message): Buffer[] {
    const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) => Buffer.from(JSON.stringify(p)));
    return [Buffer.from(DELIMITER), Buffer.from(this.sign(parts)), ...parts];
  }

  /** The message in `frames`, or undefined if it is malformed or badly signed. */
  decode(frames: Buffer[]): Message | undefined {
    const at = frames.findIndex((f) => f.length === DELIMITER.length && f.toString() === DELIMITER);
    if (at < 0 || frames.length < at + 6) return undefined;
    const parts = frames.slice(at + 2, at + 6);
    if (!this.verify(frames[at + 1], parts)) return undefined;
    try {
      const [header, parent_header, metadata, content] = parts.map((p) => JSON.parse(p.toString("utf8")) as Record<string, unknown>);
      return { header: header as unknown as MessageHeader, parent_header, metadata, content };
    } catch {
      return undefined;
    }
  }

  private sign(parts: Buffer[]): string {
    const hmac = createHmac("sha256", this.key);
    for (const p of parts) hmac.update(p);
    return hmac.digest("hex");
  }

  private verify(signature: Buffer, parts: Buffer[]): boolean {
    const expected = Buffer.from(this.sign(parts));
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }
}

/** A random signing key, as jupyter_client makes one (a uuid's worth of hex). */
export function newKey(): string {
  return randomBytes(32).toString("hex");
}
