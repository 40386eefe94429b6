/**
 * A qcow2 image refused: which file, which field, at which byte offset of
 * the file, and what is wrong with it, in one line:
 *
 *   base.qcow2: l1_size at file offset 0x24: 4294967295 entries is past qemu's limit of 4194304 (a 32 MiB L1 table)
 */
import { UserError } from "../../errors";

export class Qcow2Error extends UserError {
  constructor(readonly file: string, readonly field: string, readonly offset: number, what: string, hint?: string) {
    super(`${file}: ${field} at file offset ${hex(offset)}: ${what}`, hint);
    this.name = "Qcow2Error";
  }
}

/** 0x30000: how qemu-img and hexdump show offsets. */
export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** The hint for an image whose metadata is inconsistent. */
export function repairHint(file: string): string {
  return `check it with \`qemu-img check ${file}\` (\`-r all\` repairs it); vmlab wrote nothing to it`;
}
