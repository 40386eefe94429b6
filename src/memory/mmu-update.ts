/**
 * Validating a paravirtual guest's page-table updates (Barham et al. 2003,
 * "Xen and the Art of Virtualization", section 3.3.1: "guest OSes ...
 * batch update requests ... Xen validates each update to ensure safety";
 * Xen's public/xen.h, mmu_update_t { ptr, val }). A request may:
 *
 *   - name only an entry inside the VM's own memory (ptr),
 *   - map only a frame the VM owns (val's frame, through the pmap),
 *   - never map a live page-table page writable: a guest that could write
 *     its own page tables behind the hypervisor's back could point them
 *     anywhere. Live means in use by the address space the guest runs now
 *     (the current shadow context's directory and tables); a page that was
 *     a table of an address space that is gone stops being one (Xen drops
 *     a frame's page-table type when its count of references reaches zero).
 *
 * An invalid PTE (V clear) maps nothing and is always allowed.
 */
import { PTE } from "../machine/isa";
import type { Pmap } from "./pmap";
import type { ShadowPageTables } from "./shadow-paging";

export type UpdateVerdict = "ok" | "misaligned" | "foreign-entry" | "foreign-frame" | "writable-page-table";

export function validateUpdate(pmap: Pmap, shadow: ShadowPageTables, ptr: number, value: number): UpdateVerdict {
  ptr >>>= 0;
  if ((ptr & 3) !== 0) return "misaligned";
  if (!pmap.contains(ptr, 4)) return "foreign-entry";
  if ((value & PTE.V) === 0) return "ok";
  const frame = value >>> 12;
  if (!pmap.contains(frame * 4096, 4096)) return "foreign-frame";
  if ((value & PTE.W) !== 0 && shadow.isPageTable(frame)) {
    if (shadow.isLiveTable(frame)) return "writable-page-table";
    shadow.forget(frame);
  }
  return "ok";
}
