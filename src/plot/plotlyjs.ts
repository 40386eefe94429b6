/**
 * plotly.js itself, read from the installed plotly.js-dist-min (no network:
 * the figures work offline), once per process.
 */
import { readFileSync } from "fs";
import { UserError } from "../errors";

let cached: string | undefined;

export function plotlySource(): string {
  if (cached === undefined) {
    let path: string;
    try {
      path = require.resolve("plotly.js-dist-min");
    } catch {
      throw new UserError("plotly.js-dist-min is not installed: run `npm install` in the vmlab folder");
    }
    cached = readFileSync(path, "utf8");
  }
  return cached;
}
