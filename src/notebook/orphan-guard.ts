/**
 * A few lines preloaded into every kernel the runner starts (`node
 * --require DIR/orphan-guard.js tslab kernel ...`, written into the
 * kernel's private connection directory DIR): should vmlab die without
 * shutting its kernels down (SIGKILL, a crash), the kernel notices that it
 * has been re-parented and takes its process group and DIR with it.
 * Without this a detached kernel would outlive its runner forever.
 *
 * The timer is unref'd: it never keeps a kernel alive by itself.
 */
export const ORPHAN_GUARD_FILE = "orphan-guard.js";

export const ORPHAN_GUARD_JS = `"use strict";
// vmlab: end this kernel if the runner that started it is gone.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid === parent) return;
  require("fs").rmSync(__dirname, { recursive: true, force: true });
  process.kill(-process.pid, "SIGKILL");
}, 500).unref();
`;
