/**
 * Round robin: every runnable VCPU in turn for one slice, first come, first
 * served, whatever its VM asked for. The baseline the other policies are
 * measured against: VMs get equal shares per VCPU, so a VM with four VCPUs
 * gets four times a VM with one, and nobody can be given more.
 */
import { GlobalQueuePolicy, type Waiting } from "./global-queue";
import type { SchedVcpu } from "./policy";

export class RoundRobin extends GlobalQueuePolicy {
  readonly name = "round-robin";

  protected pick(waiting: readonly Waiting[]): SchedVcpu {
    return waiting.reduce((a, b) => (b.since < a.since ? b : a)).vcpu;
  }

  protected charge(): void {}
}
