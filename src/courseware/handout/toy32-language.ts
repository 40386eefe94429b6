/**
 * A highlight.js grammar for toy32 assembly, built from the machine's one
 * instruction table (src/machine/isa.ts) so a new instruction or CSR is
 * highlighted the day it is added. Syntax per ISA.md, "Assembly syntax":
 *
 *   loop:   addi t0, t0, -1     # comments start with # or ;
 *           csrw EPC, t0        ; CSRs by name
 *           bne  t0, zero, loop
 *   msg:    .asciz "hi\n"       # directives start with a dot
 *
 * Scopes: `keyword` mnemonics (and pseudo-instructions), `variable`
 * registers, `built_in` CSRs, `meta` directives, `title` label
 * definitions, `number`, `string`, `comment`.
 */
import type { HLJSApi, Language } from "highlight.js";
import { CSR_NAMES, INSTRUCTIONS, REGISTER_NAMES } from "../../machine/isa";

/** Pseudo-instructions the assembler expands (ISA.md, "Instructions"). */
export const TOY32_PSEUDO = [
  "li", "la", "mv", "not", "neg", "j", "call", "ret", "nop", "push", "pop", "beqz", "bnez", "bgt", "ble",
];

/** Assembler directives (ISA.md, "Assembly syntax"). */
export const TOY32_DIRECTIVES = [
  ".org", ".text", ".data", ".word", ".byte", ".ascii", ".asciz", ".space", ".align", ".equ",
];

const NUMBERED_REGISTERS = Array.from({ length: 16 }, (_, i) => `r${i}`);

export function toy32Language(hljs: HLJSApi): Language {
  return {
    name: "toy32",
    aliases: ["toy32asm", "asm", "s"],
    case_insensitive: false,
    keywords: {
      $pattern: /\.?[A-Za-z_$][\w.$]*/,
      keyword: [...INSTRUCTIONS.map((i) => i.mnemonic), ...TOY32_PSEUDO],
      variable: [...REGISTER_NAMES, ...NUMBERED_REGISTERS],
      built_in: [...CSR_NAMES],
      meta: TOY32_DIRECTIVES,
    },
    contains: [
      hljs.COMMENT(/[#;]/, /$/),
      { scope: "title", match: /^\s*[A-Za-z_.$][\w.$]*(?=:)/ },
      { scope: "string", begin: /"/, end: /"/, contains: [hljs.BACKSLASH_ESCAPE], illegal: /\n/ },
      { scope: "number", match: /'(?:\\.|[^'\\])'/ },
      { scope: "number", match: /\b(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|[0-9][0-9_]*)\b/ },
    ],
  };
}

/**
 * Whether a TypeScript template literal's body is a toy32 program: its
 * first statement (after blank and comment lines) is an instruction or a
 * directive, optionally labelled -- how chapters write programs:
 * assemble(`_start: li a0, 1 ...`). Other template literals
 * (`console: ${x}`) stay strings.
 */
export function looksLikeToy32(body: string): boolean {
  TOY32_START ??= toy32Start();
  return TOY32_START.test(body);
}

let TOY32_START: RegExp | undefined;
function toy32Start(): RegExp {
  const words = [...INSTRUCTIONS.map((i) => i.mnemonic), ...TOY32_PSEUDO].sort((a, b) => b.length - a.length);
  const directives = TOY32_DIRECTIVES.map((d) => d.slice(1));
  const statement = `(?:[A-Za-z_$][\\w$]*:[ \\t]*\\n?[ \\t]*)?(?:(?:${words.join("|")})|\\.(?:${directives.join("|")}))(?=[ \\t\\n]|$)`;
  // Blank and comment lines first; each alternative consumes a whole line, so no backtracking blow-up.
  return new RegExp(`^(?:[ \\t]*(?:[#;][^\\n]*)?\\n)*[ \\t]*${statement}`);
}
