/**
 * Compiles the Java test programs in test/langvm/java with the real javac
 * (openjdk-17-jdk-headless, installed by .ci/run) into a fresh temporary
 * folder, the way the issue asks: `javac --release 17 -XDstringConcat=inline`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const JAVA_SOURCES = join(__dirname, "java");

export function compileTestPrograms(): { dir: string; classes: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "vmlab-langvm-"));
  const sources = readdirSync(JAVA_SOURCES).filter((f) => f.endsWith(".java")).map((f) => join(JAVA_SOURCES, f));
  const r = spawnSync("javac", ["--release", "17", "-XDstringConcat=inline", "-d", dir, ...sources], { encoding: "utf8" });
  if (r.error) throw new Error("javac is missing: install Debian's openjdk-17-jdk-headless (.ci/run does)");
  if (r.status !== 0) throw new Error(`javac failed:\n${r.stderr}`);
  return { dir, classes: readdirSync(dir).filter((f) => f.endsWith(".class")).sort() };
}
