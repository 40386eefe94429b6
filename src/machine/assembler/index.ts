/** toy32's assembler: source text in, a loadable image, symbols and a listing out. */
export { assemble } from "./assembler";
export type { AssembleOptions, ListingLine, Program, SourceFile } from "./assembler";
export { AssemblyError, formatDiagnostic } from "./diagnostics";
export type { Diagnostic } from "./diagnostics";
export { formatListing } from "./listing";
export { PSEUDO_INSTRUCTIONS } from "./pseudo";
export type { PseudoSpec } from "./pseudo";
export { DIRECTIVES } from "./directives";
