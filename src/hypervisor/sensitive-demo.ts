/**
 * What breaks when sensitive instructions do not trap (Popek and Goldberg
 * 1974, theorem 1; Robin and Irvine 2000 list 17 such x86 instructions,
 * PUSHF and POPF among them; Adams and Agesen 2006 section 2.2: "popf ...
 * in user mode silently drops the IF update rather than trapping").
 *
 * toy32's pushf and popf are such instructions on the default machine. A
 * guest kernel runs deprivileged under trap-and-emulate, so:
 *   - `pushf` reads the *real* STATUS: the kernel sees KM = 0 and believes
 *     it runs in user mode;
 *   - `popf` with IE = 1 is silently ignored in user mode: no trap, so the
 *     hypervisor never learns the guest enabled interrupts, and the
 *     guest's timer interrupt is never delivered.
 * The course kernel (src/guests/kernel.s) survives this by luck: it only
 * ever restores IE = 0 in kernel mode, so losing its popf changes nothing,
 * and it never looks at the mode bits pushf returns. This little kernel
 * does look, and does rely on popf, so the difference shows.
 *
 * With `virtualizable: true` pushf/popf trap in user mode and the
 * hypervisor emulates them on the VCPU: the output matches bare metal.
 */
import { assemble } from "../machine/assembler";
import { Machine } from "../machine/machine";
import { Hypervisor } from "./hypervisor";

export const SENSITIVE_DEMO_SOURCE = `# pushf/popf under trap-and-emulate: what the kernel sees, whether its timer fires
        .equ CONSOLE_TX, 0xFFFF0000
        .equ STATUS_KM,  2
        .equ STATUS_IE,  1
_start:
        la   t0, on_timer
        csrw TVEC, t0
        pushf t0                    # sensitive: the true STATUS
        andi t0, t0, STATUS_KM
        la   a0, msg_user
        beqz t0, print_mode
        la   a0, msg_kernel
print_mode:
        call puts
        li   t0, 500
        csrw TIMER, t0              # a tick every 500 cycles
        li   t0, STATUS_IE
        popf t0                     # sensitive: interrupts on
        li   t1, 20000              # wait this many rounds for a tick
wait:
        la   t2, ticked
        lw   t2, 0(t2)
        bnez t2, tick
        addi t1, t1, -1
        bnez t1, wait
        la   a0, msg_no_tick
        call puts
        li   a0, 1
        halt
tick:
        la   a0, msg_tick
        call puts
        li   a0, 0
        halt
# on_timer: note the tick, stop the timer, return (IE comes back on).
on_timer:
        la   k0, ticked
        sw   k0, 0(k0)              # any nonzero word
        csrw TIMER, zero
        rett
# puts: prints the string at a0 (clobbers t3, t4).
puts:
        li   t4, CONSOLE_TX
puts_loop:
        lbu  t3, 0(a0)
        beqz t3, puts_done
        sb   t3, 0(t4)
        addi a0, a0, 1
        j    puts_loop
puts_done:
        ret
        .data
ticked:     .word 0
msg_kernel: .asciz "pushf says: kernel mode\\n"
msg_user:   .asciz "pushf says: user mode\\n"
msg_tick:   .asciz "popf enabled interrupts: the timer fired\\n"
msg_no_tick: .asciz "popf was ignored: no timer interrupt ever came\\n"
`;

export interface SensitiveDemoResult {
  /** The console on bare toy32. */
  readonly bare: string;
  /** The console of the same program in a VM under trap-and-emulate. */
  readonly virtualized: string;
  readonly bareExitCode: number | undefined;
  readonly vmExitCode: number | undefined;
}

const DEMO_MEMORY = 64 * 1024;

/** Runs the demo on bare metal and in a VM, on a machine built `virtualizable` or not. */
export function runSensitiveDemo(options: { virtualizable: boolean }): SensitiveDemoResult {
  const program = assemble(SENSITIVE_DEMO_SOURCE, { file: "sensitive-demo.s" });
  const machine = new Machine({ memoryBytes: DEMO_MEMORY, virtualizable: options.virtualizable });
  machine.load(program.image, 0);
  const bare = machine.run({ maxCycles: 1_000_000 });
  const hv = new Hypervisor({ virtualizable: options.virtualizable });
  const vm = hv.createVm({ name: "demo", memorySize: DEMO_MEMORY, image: program.image });
  hv.start(vm);
  hv.run({ maxCycles: 5_000_000 });
  return { bare: machine.console.output, virtualized: vm.console, bareExitCode: bare.exitCode, vmExitCode: vm.exitCode };
}
