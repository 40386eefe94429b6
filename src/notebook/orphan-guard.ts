/**
 * A few lines preloaded into every kernel the runner starts (`node
 * --require DIR/orphan-guard.js tslab kernel ...`, written into the
 * kernel's private connection directory DIR): should vmlab die without
 * shutting its kernels down (SIGKILL, a crash), the kernel notices that it
 * has been re-parented and takes its process group and DIR with it.
 * Without this a detached kernel would outlive its runner forever.
 *
 * The watcher is a worker thread, not a timer of the kernel's own: a cell
 * in a synchronous endless loop blocks the kernel's event loop, and its
 * timers with it, but not a worker's. The worker reads the parent pid
 * (getppid(2) each time) four times a second and is unref'd: it never keeps a
 * kernel alive by itself. It starts with no execArgv: a worker inherits
 * its parent's, and --require preloads run in workers too, so the guard
 * would start a worker that starts a worker, and so on.
 */
export const ORPHAN_GUARD_FILE = "orphan-guard.js";

/**
 * The runner's pid, given in the kernel's environment: the guard compares
 * the parent with it rather than with the parent it finds at start-up, so
 * a runner killed while its kernel was still booting (before the preload
 * ran, when the kernel already had init for a parent) is noticed too.
 */
export const ORPHAN_PARENT_ENV = "VMLAB_RUNNER_PID";

/** How often the watcher looks at the parent. */
export const ORPHAN_CHECK_MS = 250;

export const ORPHAN_GUARD_JS = `"use strict";
// vmlab: end this kernel if the runner that started it is gone.
const { Worker } = require("worker_threads");
const watcher = new Worker(\`
  const { workerData } = require("worker_threads");
  setInterval(() => {
    if (process.ppid === workerData.parent) return;
    try { require("fs").rmSync(workerData.dir, { recursive: true, force: true }); } catch {}
    try { process.kill(-workerData.pid, "SIGKILL"); } catch {}
    process.kill(workerData.pid, "SIGKILL");
  }, ${ORPHAN_CHECK_MS});
\`, { eval: true, execArgv: [], workerData: { parent: Number(process.env.${ORPHAN_PARENT_ENV}) || process.ppid, pid: process.pid, dir: __dirname } });
watcher.unref();
`;
