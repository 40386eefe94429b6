/**
 * The paravirtual kernel: the one kernel (src/guests/kernel.s) built with
 * its platform layer filled with hypercalls (kernel/platform-pv.s; kernel.s,
 * "One kernel, several platforms"), in the loader's image layout, so it
 * boots the same programs from the same image as the native kernel.
 */
import { UserError } from "../errors";
import { assembleKernel, buildKernelImage, kernelSource, type KernelImage, type KernelImageOptions } from "../guests/loader";

/** The paravirtual kernel's source text (kernel.s and kernel/*.s with platform-pv.s). */
export function paravirtualKernelSource(): string {
  return kernelSource("paravirtual");
}

/** Most page-table updates one MMU_UPDATE batch of the kernel may hold (platform-pv.s's PV_MMU_QUEUE). */
export const MAX_MMU_BATCH = 64;
/**
 * The kernel's own batch size (platform-pv.s's pv_mmu_batch). `vmlab bench
 * kernel` measures 1, 4 and 16: the steady fork + exec + wait loop gains
 * 1% from 1 to 4 and nothing after (the kernel flushes early: a directory
 * entry, a TLB operation, the return to user mode), and a whole fork loop,
 * boot included, makes about half the hypercalls at 16 that it makes at 1
 * and under 1% fewer cycles at 64 than at 16.
 */
export const DEFAULT_MMU_BATCH = 16;

export interface ParavirtualImageOptions extends Omit<KernelImageOptions, "platform"> {
  /**
   * Page-table updates the kernel queues before one MMU_UPDATE
   * (1..MAX_MMU_BATCH; default DEFAULT_MMU_BATCH): 1 is one hypercall per PTE.
   */
  readonly mmuBatch?: number;
}

/** buildKernelImage with `platform: "paravirtual"`; run it in a VM created with `paravirtual: true`. */
export function buildParavirtualKernelImage(options: ParavirtualImageOptions): KernelImage {
  const { mmuBatch, ...rest } = options;
  const built = buildKernelImage({ ...rest, platform: "paravirtual" });
  if (mmuBatch === undefined) return built;
  if (!Number.isInteger(mmuBatch) || mmuBatch < 1 || mmuBatch > MAX_MMU_BATCH) {
    throw new UserError(`mmuBatch must be a whole number from 1 to ${MAX_MMU_BATCH}, not ${mmuBatch}`);
  }
  const at = assembleKernel("paravirtual").symbols.get("pv_mmu_batch");
  if (at === undefined) throw new Error("platform-pv.s has no pv_mmu_batch word");
  const image = built.image.slice();
  new DataView(image.buffer, image.byteOffset, image.byteLength).setUint32(at, mmuBatch, true);
  return { ...built, image };
}
