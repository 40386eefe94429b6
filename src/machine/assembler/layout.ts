/**
 * Where the bytes go. Text starts at the origin and `.org` moves its
 * location counter forward; data is counted from 0 and placed after the
 * text once pass 1 knows how long the text is:
 *
 *   origin                 textEnd   dataBase                    end
 *   |  .text ... (.org gaps zero) |  pad  |  .data ...            |
 *   +-----------------------------+-------+-----------------------+
 *                                   aligned to 4 (or the largest .align in .data)
 */
import { LineError } from "./diagnostics";
import { hex } from "./encode";
import type { Section } from "./symbols";

/** The most an image may hold: toy32's default memory (ISA.md). */
export const MAX_IMAGE_BYTES = 16 * 1024 * 1024;

export class Layout {
  section: Section = "text";
  /** Text location counter: an absolute address. */
  text: number;
  /** Data location counter: an offset from the data base. */
  data = 0;
  /** The data base must be aligned at least as strictly as any `.align` in .data. */
  dataAlignment = 4;

  constructor(readonly origin: number) {
    this.text = origin;
  }

  /** The current section's counter. */
  get offset(): number {
    return this.section === "text" ? this.text : this.data;
  }

  /** The current location for a message: an address in text, an offset in data. */
  describe(): string {
    return this.section === "text" ? hex(this.text) : `.data+${this.data}`;
  }

  advance(bytes: number, column: number): void {
    if (this.section === "text") this.text += bytes;
    else this.data += bytes;
    if (this.text + this.data > 2 ** 32) {
      throw new LineError(column, "the program runs past the end of the 32-bit address space");
    }
    if (this.text - this.origin + this.data > MAX_IMAGE_BYTES) {
      throw new LineError(column, `the program would exceed ${MAX_IMAGE_BYTES} bytes (toy32's memory)`);
    }
  }

  /** `.org ADDR`: text only, forward only. */
  org(address: number, column: number): void {
    if (this.section !== "text") {
      throw new LineError(column, ".org works only in .text (the data section is placed after the text)");
    }
    if (address < this.text) {
      throw new LineError(column, `.org ${hex(address)} would move backwards from ${hex(this.text)}`);
    }
    this.advance(address - this.text, column);
  }

  /** Bytes of padding that `.align n` inserts here. */
  padding(n: number): number {
    if (this.section === "data") this.dataAlignment = Math.max(this.dataAlignment, n);
    const at = this.offset;
    return (n - (at % n)) % n;
  }

  get textEnd(): number {
    return this.text;
  }

  get dataBase(): number {
    const a = this.dataAlignment;
    return Math.ceil(this.text / a) * a;
  }

  get end(): number {
    return this.data === 0 ? this.text : this.dataBase + this.data;
  }
}
