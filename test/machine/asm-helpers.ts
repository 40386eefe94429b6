import { assemble, type Program } from "../../src/machine/assembler";

/** The little-endian words of a program's image. */
export function words(program: Program): number[] {
  const view = new DataView(program.image.buffer, program.image.byteOffset, program.image.byteLength);
  const result: number[] = [];
  for (let i = 0; i + 4 <= program.image.length; i += 4) result.push(view.getUint32(i, true));
  return result;
}

/** Assembles and returns the words, for one-liners. */
export function asmWords(source: string, origin = 0): number[] {
  return words(assemble(source, { origin }));
}

/** The AssemblyError's message, or a failure if the source assembled. */
export function errorOf(source: string, file = "t.s"): string {
  try {
    assemble(source, { file });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected an error from:\n${source}`);
}
