/**
 * What pass 1 leaves for pass 2: each statement placed at a section
 * offset with its size fixed, its operands parsed but not yet evaluated
 * (they may name labels defined further down).
 */
import type { Expr } from "./expression";
import type { Expanded } from "./pseudo";
import type { Section } from "./symbols";

export interface Placement {
  /** 1-based source line. */
  readonly line: number;
  readonly column: number;
  readonly section: Section;
  readonly offset: number;
  readonly size: number;
}

export type Payload =
  /** Real instructions (one, or a pseudo-instruction's expansion). */
  | { readonly kind: "code"; readonly instructions: readonly Expanded[] }
  /** `.word` / `.byte` values, evaluated in pass 2. */
  | { readonly kind: "values"; readonly width: 1 | 4; readonly exprs: readonly Expr[] }
  /** Bytes known in pass 1: `.ascii`, `.asciz`. */
  | { readonly kind: "bytes"; readonly bytes: readonly number[] }
  /** `size` zero bytes: `.space`, `.align` padding. */
  | { readonly kind: "zeros" };

export type Statement = Placement & Payload;
