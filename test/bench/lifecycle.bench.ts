/**
 * The life of a VM (issue 18's Speed section). So far the disk image
 * writer: our qcow2 writer beside QEMU's own on the same data in the same
 * run.
 *
 *   image_write_mb_per_s      MiB/s of `importRaw` (src/lifecycle/qcow2/convert.ts):
 *                             a raw file of DATA_MIB into a new qcow2 image
 *   qemu_img_write_mb_per_s   MiB/s of `qemu-img convert -f raw -O qcow2` on the same
 *                             file (its process start included: it is how it is used)
 *   qcow2_over_qemu_img       the median over rounds of the two rates' ratio, each
 *                             round's pair back to back (goal: >= 0.5)
 *
 * And pre-copy live migration (src/lifecycle/migration), simulated, so
 * the same on every machine: the dirtier guest (a kernel of 1 MiB, 200
 * heap pages) migrated over TCP on the loopback under trap-and-emulate
 * at the default rate limit, after 300,000 cycles of its run.
 *
 *   downtime_ms_idle          stop-and-copy of a nearly idle dirtier (one store per
 *                             ~60,000 cycles), in ms of CLOCK_HZ
 *   downtime_ms_busy          the same with the dirtier storing as fast as it can
 *   precopy_rounds_busy       the busy migration's rounds before stop-and-copy
 *   bytes_sent_over_memory    the busy migration's page bytes over the VM's memory
 *
 * And post-copy (Hines and Gopalan 2009; src/lifecycle/migration/postcopy.ts)
 * of the same two guests under hardware assist (nested paging: its EPT
 * violations catch the pages still at the source), side by side:
 *
 *   postcopy_downtime_ms_busy      the busy dirtier's downtime: its state's time on the link
 *   postcopy_total_ms_busy         from the stop to the last page at the target
 *   postcopy_total_ms_idle         the same for the nearly idle dirtier
 *   postcopy_demand_faults_busy    the busy guest's faults on pages still at the source
 *   postcopy_bytes_over_memory     page bytes sent over the VM's memory (each page once: 1)
 *
 * The data: seeded bytes with every eighth MiB zero, so both writers skip
 * clusters of zeros as they do on a real disk. Rounds alternate which side
 * runs first; each output is checked once against the raw file with
 * `qemu-img compare` (not timed).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { seconds, median, type BenchSuite } from "vmlab/dist/benchmark";
import { FileStorage } from "vmlab/dist/lifecycle/storage";
import { importRaw } from "vmlab/dist/lifecycle/qcow2/convert";
import { StorageBlockDevice } from "vmlab/dist/lifecycle/qcow2/raw-file";
import { CLOCK_HZ } from "vmlab/dist/machine/costs";
import { buildKernelImage } from "vmlab/dist/guests/loader";
import { Hypervisor } from "vmlab/dist/hypervisor/hypervisor";
import { type MigrationSuccess } from "vmlab/dist/lifecycle/migration/source";
import { migrateLoopback, migratePostcopyLoopback } from "vmlab/dist/lifecycle/migration/loopback";
import { type PostcopySuccess } from "vmlab/dist/lifecycle/migration/postcopy";
import type { Vm } from "vmlab/dist/hypervisor/vm";
import { dirtierProgram } from "vmlab/dist/lifecycle/migration/workload";

const DATA_MIB = 64;
const ROUNDS = Math.max(1, Number(process.env.VMLAB_BENCH_ROUNDS) || 5);

function writeData(file: string): void {
  const bytes = Buffer.alloc(DATA_MIB << 20);
  let x = 0x2545f491;
  for (let i = 0; i < bytes.length; i += 4) {
    if (((i >> 20) & 7) === 7) continue; // every eighth MiB stays zero
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    bytes.writeUInt32LE(x, i);
  }
  fs.writeFileSync(file, bytes);
}

function qemuImg(...args: string[]): string {
  const r = spawnSync("qemu-img", args, { encoding: "utf8" });
  if (r.error) throw new Error(`qemu-img: ${r.error.message} (apt-get install qemu-utils)`);
  if (r.status !== 0) throw new Error(`qemu-img ${args[0]}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** The dirtier (busy or nearly idle) in a VM that has run 300,000 cycles. */
function runningDirtier(busy: boolean, technique: "trap-and-emulate" | "hardware-assist"): { hv: Hypervisor; vm: Vm } {
  const program = dirtierProgram(busy ? { pages: 200, passes: 1000, delay: 0 } : { pages: 200, passes: 1, delay: 20_000 });
  const image = buildKernelImage({ programs: [program], timerInterval: 5_000, memoryBytes: 1024 * 1024 });
  const hv = new Hypervisor({ technique });
  const vm = hv.createVm({ name: "dirtier", memorySize: image.memoryBytes, image: image.image });
  hv.start(vm);
  hv.run({ maxCycles: 300_000 });
  return { hv, vm };
}

/** One pre-copy migration of the dirtier to a host in this process. */
async function migrateDirtier(busy: boolean): Promise<MigrationSuccess> {
  const { hv, vm } = runningDirtier(busy, "trap-and-emulate");
  const { report } = await migrateLoopback(hv, vm);
  if (!report.ok) throw new Error(`the migration failed: ${report.error}`);
  return report;
}

/** One post-copy migration of the dirtier, under nested paging. */
async function postcopyDirtier(busy: boolean): Promise<PostcopySuccess> {
  const { hv, vm } = runningDirtier(busy, "hardware-assist");
  const { report } = await migratePostcopyLoopback(hv, vm);
  if (!report.ok) throw new Error(`the post-copy migration failed: ${report.error}`);
  return report;
}

const ms = (cycles: number): number => (cycles / CLOCK_HZ) * 1000;

export const suite: BenchSuite = {
  name: "lifecycle",
  description: "disk images: our qcow2 writer beside qemu-img convert on the same raw disk; pre-copy and post-copy live migration (simulated)",
  async run(report) {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-bench-lifecycle-"));
    try {
      const raw = path.join(scratch, "disk.raw");
      writeData(raw);
      const ours = async (out: string): Promise<number> => seconds(() => {
        const source = new StorageBlockDevice(FileStorage.open(raw, false));
        try {
          importRaw(source, out).close();
        } finally {
          source.close();
        }
      });
      const theirs = async (out: string): Promise<number> => seconds(() => qemuImg("convert", "-f", "raw", "-O", "qcow2", raw, out));
      const ourRates: number[] = [];
      const theirRates: number[] = [];
      const ratios: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const ourOut = path.join(scratch, `ours-${round}.qcow2`);
        const theirOut = path.join(scratch, `qemu-${round}.qcow2`);
        const first = round % 2 === 0;
        const a = first ? await ours(ourOut) : await theirs(theirOut);
        const b = first ? await theirs(theirOut) : await ours(ourOut);
        const [ourS, theirS] = first ? [a, b] : [b, a];
        if (round === 0) {
          qemuImg("compare", "-f", "qcow2", "-F", "raw", ourOut, raw);
          qemuImg("check", ourOut);
        }
        ourRates.push(DATA_MIB / ourS);
        theirRates.push(DATA_MIB / theirS);
        ratios.push(theirS / ourS);
        report(`  round ${round + 1}: ours ${(DATA_MIB / ourS).toFixed(0)} MiB/s, qemu-img ${(DATA_MIB / theirS).toFixed(0)} MiB/s`);
        fs.rmSync(ourOut);
        fs.rmSync(theirOut);
      }
      const idle = await migrateDirtier(false);
      const busy = await migrateDirtier(true);
      report(`  migration: idle ${idle.rounds.length} round(s), busy ${busy.rounds.length} (${busy.stop})`);
      const postIdle = await postcopyDirtier(false);
      const postBusy = await postcopyDirtier(true);
      report(`  post-copy: busy ${postBusy.demandFaults} demand faults, ${postBusy.pushedPages} pages pushed`);
      return {
        downtime_ms_idle: ms(idle.downtimeCycles),
        downtime_ms_busy: ms(busy.downtimeCycles),
        precopy_rounds_busy: busy.rounds.length,
        bytes_sent_over_memory: busy.bytesSent / busy.memoryBytes,
        postcopy_downtime_ms_busy: ms(postBusy.downtimeCycles),
        postcopy_total_ms_busy: ms(postBusy.totalCycles),
        postcopy_total_ms_idle: ms(postIdle.totalCycles),
        postcopy_demand_faults_busy: postBusy.demandFaults,
        postcopy_bytes_over_memory: postBusy.bytesSent / postBusy.memoryBytes,
        image_write_mb_per_s: median(ourRates),
        qemu_img_write_mb_per_s: median(theirRates),
        qcow2_over_qemu_img: median(ratios),
      };
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  },
};
