/**
 * The paravirtual kernel: the one kernel (src/guests/kernel.s) built with
 * its platform layer filled with hypercalls (kernel/platform-pv.s; kernel.s,
 * "One kernel, several platforms"), in the loader's image layout, so it
 * boots the same programs from the same image as the native kernel.
 */
import { buildKernelImage, kernelSource, type KernelImage, type KernelImageOptions } from "../guests/loader";

/** The paravirtual kernel's source text (kernel.s and kernel/*.s with platform-pv.s). */
export function paravirtualKernelSource(): string {
  return kernelSource("paravirtual");
}

/** buildKernelImage with `platform: "paravirtual"`; run it in a VM created with `paravirtual: true`. */
export function buildParavirtualKernelImage(options: Omit<KernelImageOptions, "platform">): KernelImage {
  return buildKernelImage({ ...options, platform: "paravirtual" });
}
