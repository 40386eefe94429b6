import { describe, expect, it } from "vitest";
import { runSensitiveDemo } from "../../src/hypervisor/sensitive-demo";

describe("sensitive but unprivileged instructions (Popek and Goldberg)", () => {
  it("on the default machine, pushf lies about the mode and popf is silently lost under trap-and-emulate", () => {
    const r = runSensitiveDemo({ virtualizable: false });
    expect(r.bare).toBe("pushf says: kernel mode\npopf enabled interrupts: the timer fired\n");
    expect(r.virtualized).toBe("pushf says: user mode\npopf was ignored: no timer interrupt ever came\n");
    expect(r.vmExitCode).toBe(1);
  });

  it("with virtualizable: true they trap, the hypervisor emulates them, and the guest sees bare metal", () => {
    const r = runSensitiveDemo({ virtualizable: true });
    expect(r.virtualized).toBe(r.bare);
    expect(r.bare).toBe("pushf says: kernel mode\npopf enabled interrupts: the timer fired\n");
    expect(r.vmExitCode).toBe(0);
  });
});
