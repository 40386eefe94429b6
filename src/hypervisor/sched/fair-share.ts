/**
 * Fair share: the CPU is divided among VMs first and among a VM's VCPUs
 * second (the fair-share scheduler of Kay and Lauder 1988, with VMs as its
 * users), so a VM with four VCPUs gets no more than a VM with one: what
 * round robin gives per VCPU, fair share gives per VM. Each VM keeps a
 * virtual time that advances by the cycles any of its VCPUs runs, over its
 * weight (default 1: equal shares); the VM furthest behind runs next, and
 * within it the VCPU that has waited longest. A VM that joins or wakes
 * starts no earlier than the least virtual time of the VMs competing.
 */
import { GlobalQueuePolicy, type Waiting } from "./global-queue";
import type { SchedVcpu } from "./policy";

export class FairShare extends GlobalQueuePolicy {
  readonly name = "fair-share";
  private readonly vtime = new Map<string, number>();

  protected override joined(vcpu: SchedVcpu): void {
    const weight = vcpu.params.weight ?? 1;
    if (!(weight > 0) || !Number.isFinite(weight)) throw new RangeError(`fair share: VM ${vcpu.vm}: weight must be > 0, not ${weight}`);
    const others = [...this.vtime.entries()].filter(([vm]) => vm !== vcpu.vm).map(([, t]) => t);
    const floor = others.length > 0 ? Math.min(...others) : 0;
    this.vtime.set(vcpu.vm, Math.max(this.vtime.get(vcpu.vm) ?? 0, floor));
  }

  protected pick(waiting: readonly Waiting[]): SchedVcpu {
    let best = waiting[0];
    for (const w of waiting) {
      const t = this.vtime.get(w.vcpu.vm) as number, b = this.vtime.get(best.vcpu.vm) as number;
      if (t < b || (t === b && w.since < best.since)) best = w;
    }
    return best.vcpu;
  }

  protected charge(vcpu: SchedVcpu, cycles: number): void {
    this.vtime.set(vcpu.vm, (this.vtime.get(vcpu.vm) as number) + cycles / (vcpu.params.weight ?? 1));
  }
}
