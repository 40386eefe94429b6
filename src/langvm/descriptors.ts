/**
 * Field and method descriptors, JVMS 17 4.3: `I`, `[Ljava/lang/String;`,
 * `(IJ)V`, and their Java-source spelling (`int`, `java.lang.String[]`).
 */
const BASE: Record<string, string> = { B: "byte", C: "char", D: "double", F: "float", I: "int", J: "long", S: "short", Z: "boolean", V: "void" };

/** Splits `(IJLjava/lang/String;)V` into field descriptors; throws on a malformed one. */
export function splitMethodDescriptor(d: string): { params: string[]; ret: string } {
  if (d[0] !== "(") throw new Error(`malformed method descriptor ${d}`);
  const params: string[] = [];
  let i = 1;
  while (d[i] !== ")") {
    const end = fieldEnd(d, i);
    params.push(d.slice(i, end));
    i = end;
  }
  const ret = d.slice(i + 1);
  if (ret !== "V" && fieldEnd(ret, 0) !== ret.length) throw new Error(`malformed method descriptor ${d}`);
  return { params, ret };
}

function fieldEnd(d: string, i: number): number {
  while (d[i] === "[") i++;
  const c = d[i];
  if (c === "L") {
    const semi = d.indexOf(";", i);
    if (semi < 0) throw new Error(`malformed descriptor ${d}`);
    return semi + 1;
  }
  if (c === undefined || !(c in BASE) || c === "V") throw new Error(`malformed descriptor ${d}`);
  return i + 1;
}

export function descriptorToJava(d: string): string {
  let dims = 0;
  while (d[dims] === "[") dims++;
  const base = d.slice(dims);
  const name = base[0] === "L" ? base.slice(1, -1).replace(/\//g, ".") : (BASE[base] ?? base);
  return name + "[]".repeat(dims);
}

export function methodDescriptorToJava(d: string): { params: string[]; ret: string } {
  const { params, ret } = splitMethodDescriptor(d);
  return { params: params.map(descriptorToJava), ret: descriptorToJava(ret) };
}

/** JVMS 4.3.2/4.3.3: whether `d` is a well-formed field (or, with `method`, method) descriptor. */
export function isValidDescriptor(d: string, method: boolean): boolean {
  try {
    if (method) splitMethodDescriptor(d);
    else if (fieldEnd(d, 0) !== d.length) return false;
    return true;
  } catch {
    return false;
  }
}
