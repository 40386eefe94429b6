/**
 * vmlab's face: everything a notebook imports with
 * `import { ... } from "vmlab"`.
 */
export * from "./machine/isa";
export { COSTS } from "./machine/costs";
export type { CostName } from "./machine/costs";
export { UserError } from "./errors";
export * from "./machine/assembler";
export { disassemble, disassembleImage } from "./machine/disassembler";
export { isaReferenceMarkdown } from "./machine/isa-doc";
export * from "./plot";
// Exercises: the test helper of grade cells, seeded problem generators.
export { check, Checker, CheckFailure, type CheckScore, type Verdict, type Tolerance } from "./courseware/check";
export * from "./courseware/problems";
