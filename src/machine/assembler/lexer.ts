/**
 * Splits one source line into tokens (ISA.md, "Assembly syntax"). A `#`
 * or `;` starts a comment, except inside a 'c' character or "string"
 * literal. Numbers are decimal, 0x hex, 0b binary (underscores allowed as
 * separators) or 'c' characters with the escapes \n \t \r \0 \\ \' \".
 */
import { LineError } from "./diagnostics";

export type Token =
  | { readonly kind: "ident"; readonly text: string; readonly column: number }
  | { readonly kind: "number"; readonly text: string; readonly column: number; readonly value: bigint }
  | { readonly kind: "string"; readonly text: string; readonly column: number; readonly bytes: readonly number[] }
  | { readonly kind: "punct"; readonly text: string; readonly column: number };

const ESCAPES: Readonly<Record<string, number>> = {
  n: 10, t: 9, r: 13, "0": 0, "\\": 92, "'": 39, '"': 34,
};
const PUNCTUATION = ["<<", ">>", ",", "(", ")", "+", "-", "*", "&", "|", "~", ":"];
const IDENT_START = /[A-Za-z_.$]/;
const IDENT_REST = /[A-Za-z0-9_.$]/;

/** Tokens of one line, comments dropped. Throws LineError on bad input. */
export function lexLine(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    const column = i + 1;
    if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (c === "#" || c === ";") {
      break;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < line.length && IDENT_REST.test(line[j])) j++;
      tokens.push({ kind: "ident", text: line.slice(i, j), column });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < line.length && /[A-Za-z0-9_]/.test(line[j])) j++;
      const text = line.slice(i, j);
      tokens.push({ kind: "number", text, column, value: parseNumber(text, column) });
      i = j;
    } else if (c === "'") {
      const { bytes, end } = readQuoted(line, i, "'");
      if (bytes.length !== 1) {
        throw new LineError(column, `a character literal holds exactly one character, not ${bytes.length}`);
      }
      tokens.push({ kind: "number", text: line.slice(i, end), column, value: BigInt(bytes[0]) });
      i = end;
    } else if (c === '"') {
      const { bytes, end } = readQuoted(line, i, '"');
      tokens.push({ kind: "string", text: line.slice(i, end), column, bytes });
      i = end;
    } else {
      const p = PUNCTUATION.find((op) => line.startsWith(op, i));
      if (p === undefined) throw new LineError(column, `unexpected character '${visible(c)}'`);
      tokens.push({ kind: "punct", text: p, column });
      i += p.length;
    }
  }
  return tokens;
}

function parseNumber(text: string, column: number): bigint {
  const digits = text.replace(/_/g, "");
  const valid = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)$/.test(digits) && !text.endsWith("_");
  if (!valid) {
    throw new LineError(column, `bad number '${text}' (write decimal 42, hex 0x2a, binary 0b101010 or a character 'c')`);
  }
  const value = BigInt(digits);
  if (value >= 2n ** 64n) throw new LineError(column, `number ${text.length > 24 ? text.slice(0, 20) + "..." : text} does not fit in 64 bits`);
  return value;
}

/**
 * Reads a quoted literal starting at `start` (the opening quote). Returns
 * its bytes (characters above 0xff are refused: toy32 strings are bytes)
 * and the index after the closing quote.
 */
function readQuoted(line: string, start: number, quote: string): { bytes: number[]; end: number } {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < line.length && line[i] !== quote) {
    if (line[i] === "\\") {
      const e = line[i + 1];
      if (e === undefined) break;
      const value = ESCAPES[e];
      if (value === undefined) {
        throw new LineError(i + 1, `unknown escape '\\${e}' (use \\n \\t \\r \\0 \\\\ \\' \\")`);
      }
      bytes.push(value);
      i += 2;
    } else {
      const code = line.charCodeAt(i);
      if (code > 0xff) throw new LineError(i + 1, `character '${line[i]}' is not a single byte`);
      bytes.push(code);
      i++;
    }
  }
  if (i >= line.length) {
    const what = quote === '"' ? "string" : "character literal";
    throw new LineError(start + 1, `unterminated ${what}: missing closing ${quote}`);
  }
  return { bytes, end: i + 1 };
}

/** A character as a message may show it: control characters as \xNN. */
function visible(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\x${code.toString(16).padStart(2, "0")}` : c;
}
