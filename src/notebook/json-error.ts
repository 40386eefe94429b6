/**
 * Where a JSON text goes wrong, and how. JSON.parse says only sometimes
 * ("at position N"), so when it fails the text is scanned again by this
 * small recursive-descent checker of the RFC 8259 grammar:
 *
 *   value  = object / array / string / number / "true" / "false" / "null"
 *   object = "{" [ string ":" value *( "," string ":" value ) ] "}"
 *   array  = "[" [ value *( "," value ) ] "]"
 */

export interface JsonProblem {
  /** Offset of the offending character (text.length at the end of input). */
  offset: number;
  message: string;
}

class Stop {
  constructor(readonly problem: JsonProblem) {}
}

/** The first syntax error in `text`, or undefined if it is valid JSON. */
export function findJsonError(text: string): JsonProblem | undefined {
  let at = 0;
  const fail = (message: string): never => {
    throw new Stop({ offset: at, message: at >= text.length ? "unexpected end of file" : message });
  };
  const found = (): string => (at < text.length ? JSON.stringify(text[at]) : "the end");
  const space = (): void => {
    while (at < text.length && " \t\n\r".includes(text[at])) at++;
  };
  const expect = (ch: string, what: string): void => {
    space();
    if (text[at] !== ch) fail(`expected ${what}, found ${found()}`);
    at++;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, at)) at += word.length;
    else fail(`expected a value, found ${found()}`);
  };
  const string = (): void => {
    if (text[at] !== '"') fail(`expected a double-quoted string, found ${found()}`);
    at++;
    while (at < text.length && text[at] !== '"') {
      const c = text.charCodeAt(at);
      if (c < 0x20) fail("control character in a string (write \\n, \\t, ...)");
      if (text[at] === "\\") {
        at++;
        if (text[at] === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) at += 4;
        else if (!'"\\/bfnrt'.includes(text[at] ?? "")) fail(`bad escape \\${text[at]}`);
      }
      at++;
    }
    if (at >= text.length) fail("unterminated string");
    at++;
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (!m) fail(`expected a value, found ${found()}`);
    else at += m[0].length;
  };
  const sequence = (close: string, item: () => void): void => {
    at++;
    space();
    if (text[at] === close) return void at++;
    for (;;) {
      item();
      space();
      if (text[at] === close) return void at++;
      if (text[at] !== ",") fail(`expected ',' or '${close}', found ${found()}`);
      at++;
      space();
      if (text[at] === close) fail(`trailing comma before '${close}'`);
    }
  };
  const value = (): void => {
    space();
    const c = text[at];
    if (c === "{") sequence("}", () => (string(), expect(":", "':'"), value()));
    else if (c === "[") sequence("]", value);
    else if (c === '"') string();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else number();
  };
  try {
    value();
    space();
    if (at < text.length) fail(`unexpected ${found()} after the end of the document`);
    return undefined;
  } catch (err) {
    if (err instanceof Stop) return err.problem;
    throw err;
  }
}
