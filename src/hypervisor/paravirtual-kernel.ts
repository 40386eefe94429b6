/**
 * The paravirtual kernel's boot image: src/guests/kernel-pv.s, assembled
 * and put where kernel.s would go in the loader's image (the boot table
 * and the user programs stay exactly as buildKernelImage lays them out),
 * so both kernels boot the same programs from the same image layout.
 */
import * as fs from "fs";
import * as path from "path";
import { BOOT_LAYOUT, GUESTS_DIR, assembleBootKernel, buildKernelImage, type KernelImage, type KernelImageOptions } from "../guests/loader";

/** The boot-table fields kernel-pv.s reads: checked against the loader's. */
const PV_REQUIRED = ["BOOT_TABLE", "BT_COUNT", "BT_TIMER", "BT_MEM_TOP", "BT_FREE", "BT_ENTRIES", "BTE_PHYS", "BTE_LENGTH", "BTE_ENTRY", "USER_BASE", "USER_STACK_TOP"];

/** The paravirtual kernel's source text. */
export function paravirtualKernelSource(): string {
  return fs.readFileSync(path.join(GUESTS_DIR, "kernel-pv.s"), "utf8");
}

/** A boot image of kernel-pv.s with `options.programs`; run it in a VM created with `paravirtual: true`. */
export function buildParavirtualKernelImage(options: KernelImageOptions): KernelImage {
  const base = buildKernelImage(options);
  const kernel = assembleBootKernel([{ file: "kernel-pv.s", text: paravirtualKernelSource() }], PV_REQUIRED);
  const image = base.image.slice();
  image.fill(0, 0, BOOT_LAYOUT.BOOT_TABLE);
  image.set(kernel.image, 0);
  return { ...base, image, symbols: kernel.symbols, kernel };
}
