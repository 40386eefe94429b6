/**
 * The command's output streams when their reader goes away
 * (`vmlab asm x.s | head -1`). Writing to a pipe whose reader has closed
 * fails with EPIPE (POSIX write(2): "An attempt is made to write to a pipe
 * or FIFO that is not open for reading by any process"); Node ignores
 * SIGPIPE, so the failure arrives as an 'error' event that, unhandled,
 * crashes with a stack trace. Like `yes | head -1`, vmlab stops quietly:
 * nobody is left to read what it would say.
 *
 * A guest runs synchronously, so the event would only arrive after it
 * halted (never, for an endless print loop). Node records the failure on
 * the stream at once (`writable.errored`), so the guest's console checks
 * that after each write and stops the machine. That needs each write to
 * reach the pipe before the next: a socket (what Node's spawn gives a
 * child) is non-blocking, and once its buffer fills Node queues writes in
 * memory, to be flushed by an event loop the running guest never yields
 * to. So stdout and stderr are made blocking, as a shell's pipe already
 * is and as Node makes them on Windows: a slow reader slows the guest
 * down, as it would a C program.
 */
import type { Machine } from "../machine/machine";

/** True once stdout or stderr can no longer be written (its reader closed). */
export function outputClosed(): boolean {
  return [process.stdout, process.stderr].some((s) => s.errored != null || s.destroyed);
}

/**
 * Installs, once per process, the handler that ends vmlab quietly when
 * stdout or stderr fails (the exit status is the one the command had set,
 * 0 if none, with nothing printed), and makes both blocking (above).
 */
export function exitQuietlyWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (handled.has(stream)) continue;
    handled.add(stream);
    stream.on("error", () => process.exit(Number(process.exitCode ?? 0)));
    // libuv's uv_stream_set_blocking, which Node's stream handles expose (pipes and sockets).
    (stream as unknown as { _handle?: { setBlocking?: (blocking: boolean) => number } })._handle?.setBlocking?.(true);
  }
}

const handled = new WeakSet<NodeJS.WriteStream>();

/**
 * A guest console that prints to stdout and stops `machine()` (the machine
 * it belongs to, once built) as soon as nobody reads stdout any more.
 */
export function guestConsole(machine: () => Machine | undefined): (text: string) => void {
  return (text) => {
    process.stdout.write(text);
    stopIfOutputClosed(machine());
  };
}

/** Stops a running guest whose output has nowhere to go. */
export function stopIfOutputClosed(machine: Machine | undefined): void {
  if (machine !== undefined && outputClosed()) machine.stop(OUTPUT_CLOSED);
}

/** The stop message of a guest stopped because its output closed. */
export const OUTPUT_CLOSED = "output closed";
