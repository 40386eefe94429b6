/** ANSI escapes in streams and tracebacks become styled, escaped HTML. */
import { describe, expect, it } from "vitest";
import { ansiToHtml, stripAnsi } from "../../src/courseware/handout/ansi";

describe("ansiToHtml", () => {
  it("maps the 16 colours to classes and resets on 0 and 39", () => {
    expect(ansiToHtml("\x1b[31mred\x1b[0m plain \x1b[94mbright\x1b[39m back")).toBe(
      '<span class="ansi-red-fg">red</span> plain <span class="ansi-bright-blue-fg">bright</span> back',
    );
  });

  it("combines bold, underline and background, and 22/24 undo them", () => {
    expect(ansiToHtml("\x1b[1;4;42mx\x1b[22my\x1b[24mz")).toBe(
      '<span class="ansi-bold ansi-underline ansi-green-bg">x</span>' +
        '<span class="ansi-underline ansi-green-bg">y</span><span class="ansi-green-bg">z</span>',
    );
  });

  it("writes 256-colour and 24-bit colours as inline styles", () => {
    expect(ansiToHtml("\x1b[38;5;196ma\x1b[0m")).toBe('<span style="color:#ff0000">a</span>');
    expect(ansiToHtml("\x1b[48;2;1;2;3mb")).toBe('<span style="background-color:#010203">b</span>');
    expect(ansiToHtml("\x1b[38;5;244mg")).toBe('<span style="color:#808080">g</span>');
  });

  it("escapes HTML and drops other escape sequences", () => {
    expect(ansiToHtml("<b>&</b>\x1b[2K\x1b]0;title\x07 ok")).toBe("&lt;b&gt;&amp;&lt;/b&gt; ok");
  });

  it("survives malformed sequences", () => {
    expect(ansiToHtml("\x1b[38;5mx\x1b[38;2;1mq\x1b[999mz\x1b")).toBe("xqz");
  });

  it("stripAnsi leaves the text", () => {
    expect(stripAnsi("\x1b[1;31mError\x1b[0m: boom")).toBe("Error: boom");
  });
});
