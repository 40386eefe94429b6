/**
 * Checking a snapshot's JSON state against the shape it must have before
 * any of it reaches a machine: a hostile file whose checksum is right can
 * still say anything, and a register that is a string or an array of the
 * wrong length must be a one-line refusal, not a crash in the restore.
 *
 *   check(value, object({ pc: "u32", regs: list("i32", 16), timer: nullable("count") }), "cpu", where)
 */
import { SnapshotError } from "./format";

export type Scalar = "u32" | "i32" | "count" | "number" | "bool" | "string" | "byte";
interface ListShape { readonly kind: "list"; readonly of: Shape; readonly length?: number }
interface NullableShape { readonly kind: "nullable"; readonly of: Shape }
interface OptionalShape { readonly kind: "optional"; readonly of: Shape }
interface ObjectShape { readonly kind: "object"; readonly fields: Readonly<Record<string, Shape>> }
export type Shape = Scalar | ListShape | NullableShape | OptionalShape | ObjectShape;

export const list = (of: Shape, length?: number): Shape => ({ kind: "list", of, length });
export const nullable = (of: Shape): Shape => ({ kind: "nullable", of });
/** A field that may be missing (one later versions added). */
export const optional = (of: Shape): Shape => ({ kind: "optional", of });
export const object = (fields: Readonly<Record<string, Shape>>): Shape => ({ kind: "object", fields });

/** Where a section's JSON starts, for messages. */
export interface Where {
  readonly file: string;
  readonly offset: number;
  readonly section: string;
}

const SCALARS: Record<Scalar, (v: unknown) => boolean> = {
  u32: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff_ffff,
  i32: (v) => Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) <= 0xffff_ffff,
  count: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  number: (v) => typeof v === "number" && Number.isFinite(v),
  bool: (v) => typeof v === "boolean",
  string: (v) => typeof v === "string",
  byte: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255,
};

const DESCRIBE: Record<Scalar, string> = {
  u32: "an unsigned 32-bit integer", i32: "a 32-bit integer", count: "a whole number >= 0",
  number: "a finite number", bool: "true or false", string: "a string", byte: "a byte (0..255)",
};

/** Throws SnapshotError naming the first field of `value` at `path` that does not fit `shape`. */
export function check(value: unknown, shape: Shape, path: string, where: Where): void {
  const refuse = (what: string): never => {
    throw new SnapshotError(where.file, where.offset, `section "${where.section}": ${path} ${what}`, "the snapshot file is damaged or was not written by vmlab");
  };
  if (typeof shape === "string") {
    if (!SCALARS[shape](value)) refuse(`is ${brief(value)}, not ${DESCRIBE[shape]}`);
    return;
  }
  switch (shape.kind) {
    case "nullable":
      if (value !== null) check(value, shape.of, path, where);
      return;
    case "optional":
      if (value !== undefined) check(value, shape.of, path, where);
      return;
    case "list":
      if (!Array.isArray(value)) return refuse(`is ${brief(value)}, not a list`);
      if (shape.length !== undefined && value.length !== shape.length) refuse(`has ${value.length} entries, not ${shape.length}`);
      value.forEach((v, i) => check(v, shape.of, `${path}[${i}]`, where));
      return;
    case "object":
      if (typeof value !== "object" || value === null || Array.isArray(value)) return refuse(`is ${brief(value)}, not an object`);
      for (const [field, inner] of Object.entries(shape.fields)) check((value as Record<string, unknown>)[field], inner, `${path}.${field}`, where);
      return;
    default: {
      const never: never = shape;
      throw new Error(`unknown shape ${String(never)}`);
    }
  }
}

function brief(v: unknown): string {
  if (v === undefined) return "missing";
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 24 ? `${text.slice(0, 21)}...` : text;
}
