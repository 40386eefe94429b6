/** What the courseware tests ask of a refusal: a UserError, and its one-line message. */
import { expect } from "vitest";
import { UserError } from "../../src/errors";

/** The message of the UserError `work` throws (one line), or a failure if it throws none. */
export function userError(work: () => unknown): string {
  try {
    work();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).not.toContain("\n");
    return (err as Error).message;
  }
  throw new Error("expected a UserError");
}

/** The message of the UserError `work` rejects with, or a failure if it rejects with none. */
export async function userErrorAsync(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error("expected a UserError");
}
