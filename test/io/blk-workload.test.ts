/** The split block driver's measured run: suppression, batching, the elevator. */
import { expect, it } from "vitest";
import { runBlkWorkload } from "../../src/io";

it("notifies twice per batch with suppression, twice per request without", () => {
  const batched = runBlkWorkload({ requests: 256, queueDepth: 32 });
  expect(batched.notifications).toBe(16);
  expect(batched.notificationsPerRequest).toBeLessThan(0.2);
  const single = runBlkWorkload({ requests: 256, queueDepth: 1 });
  expect(single.notificationsPerRequest).toBe(2);
  const unsuppressed = runBlkWorkload({ requests: 256, queueDepth: 32, suppression: false });
  expect(unsuppressed.notificationsPerRequest).toBe(2);
  expect(batched.cyclesPerRequest).toBeLessThan(unsuppressed.cyclesPerRequest);
});

it("lets the elevator save seeks on scattered blocks, and barriers limit it", () => {
  const ringOrder = runBlkWorkload({ requests: 256, queueDepth: 32, pattern: "scattered", reorder: false });
  const elevator = runBlkWorkload({ requests: 256, queueDepth: 32, pattern: "scattered" });
  const barriers = runBlkWorkload({ requests: 256, queueDepth: 32, pattern: "scattered", barrierEvery: 4 });
  expect(elevator.cycles).toBeLessThan(ringOrder.cycles);
  expect(barriers.cycles).toBeGreaterThan(elevator.cycles);
  expect(barriers.cycles).toBeLessThanOrEqual(ringOrder.cycles);
});

it("traces the four indices, wrapping nothing at the start", () => {
  const run = runBlkWorkload({ requests: 8, queueDepth: 4 });
  expect(run.trace[0]).toEqual([1, 1, 0, 1]);
  expect(run.trace[run.trace.length - 1]).toEqual([8, 9, 8, 9]);
  expect(() => runBlkWorkload({ requests: 8, queueDepth: 33 })).toThrow(/1\.\.32/);
});
