import { describe, expect, it } from "vitest";
import { createPlotDisplay, tableBundle } from "../../src/index";
import type { DisplayHost, DisplayMessage } from "../../src/index";

describe("tableBundle", () => {
  it("lays out an array of rows as console.table does, without its index, numbers right-aligned", () => {
    const bundle = tableBundle([{ slice: 2000, share: 1.23456, note: "short" }, { slice: 50000, share: 0.5 }]);
    expect(bundle["text/plain"]).toBe(
      ["slice  share  note", "-----  -----  -----", " 2000  1.235  short", "50000    0.5"].join("\n"),
    );
    const html = bundle["text/html"];
    expect(html).toContain('<th style="text-align:right">slice</th>');
    expect(html).toContain('<td style="text-align:right">50000</td><td style="text-align:right">0.5</td><td style="text-align:left"></td>');
    expect(html).not.toContain("<caption");
  });

  it("names rows by an object's keys, puts single values in a value column, and escapes HTML", () => {
    const bundle = tableBundle({ "<b>guest</b>": { pc: "0x10" }, host: 7 }, { title: "who & where", index: "view" });
    expect(bundle["text/plain"]).toBe(
      ["who & where", "view          pc    value", "------------  ----  -----", "<b>guest</b>  0x10", "host                    7"].join("\n"),
    );
    const html = bundle["text/html"];
    expect(html).toContain("<caption style=\"text-align:left\">who &amp; where</caption>");
    expect(html).toContain('<th style="text-align:left">&lt;b&gt;guest&lt;/b&gt;</th>');
    expect(html).not.toContain("<b>");
  });

  it("keeps the columns asked for, in their order, and numbers an array's rows when given an index heading", () => {
    const bundle = tableBundle([{ a: 1, b: 2 }, { a: 3, b: 4 }], { columns: ["b", "a"], index: "#" });
    expect(bundle["text/plain"].split("\n")).toEqual(["#  b  a", "-  -  -", "0  2  1", "1  4  3"]);
  });
});

describe("showTable", () => {
  function host(inKernel: boolean) {
    const sent: DisplayMessage[] = [];
    const printed: string[] = [];
    const h: DisplayHost = {
      writer: () => (inKernel ? (m: DisplayMessage) => sent.push(m) : null),
      print: (t) => printed.push(t),
      plotlyPacked: () => "",
      newId: () => "id",
    };
    return { h, sent, printed };
  }

  it("sends one display_data with the HTML table and its text, marked as vmlab's table; no plotly.js", () => {
    const { h, sent } = host(true);
    createPlotDisplay(h).showTable([{ x: 1 }]);
    expect(sent).toHaveLength(1);
    expect(sent[0].metadata).toEqual({ vmlab: { role: "table" } });
    expect(sent[0].data).toEqual(tableBundle([{ x: 1 }]));
  });

  it("prints the text outside a kernel", () => {
    const { h, printed, sent } = host(false);
    createPlotDisplay(h).showTable({ a: { x: 1 } });
    expect(sent).toEqual([]);
    expect(printed).toEqual([tableBundle({ a: { x: 1 } })["text/plain"]]);
  });
});
