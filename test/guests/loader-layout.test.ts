import { describe, expect, it } from "vitest";
import { assembleBootKernel, kernelSources } from "../../src/guests/loader";

// Both kernels restate the boot table's layout as .equ constants; the
// loader refuses a kernel that disagrees, rather than writing the table
// where the kernel does not look.
describe("assembleBootKernel", () => {
  it("refuses a kernel whose boot-table constants disagree with the loader's", () => {
    const files = kernelSources().map((f) => ({ ...f, text: f.text.replace(/\.equ\s+BT_COUNT,\s*4/, ".equ BT_COUNT, 8") }));
    expect(() => assembleBootKernel(files, [])).toThrow("kernel.s has .equ BT_COUNT = 0x8, but loader.ts says 0x4");
  });

  it("refuses a kernel that lacks a constant it is required to define", () => {
    const files = [{ file: "tiny.s", text: "_start: halt\n" }];
    expect(() => assembleBootKernel(files, ["BT_COUNT"])).toThrow("tiny.s does not define BT_COUNT");
  });

  it("refuses a kernel that runs into the boot table", () => {
    const files = [{ file: "big.s", text: "_start: halt\n.space 0x10000\n" }];
    expect(() => assembleBootKernel(files, [])).toThrow("big.s ends at 0x10004, past the boot table at 0x10000");
  });
});
