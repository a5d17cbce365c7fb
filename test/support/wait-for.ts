/** Polling for a condition instead of sleeping in tests. */

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Poll interval (default 10 ms). */
  intervalMs?: number;
  /** Said in the error when the condition never held. */
  what?: string;
}

/**
 * Thrown by a {@link waitFor} check to end the wait at once with this error: what it waits for
 * cannot happen any more (the process it waits on exited, a server could not listen).
 */
export class StopWaiting extends Error {}

/**
 * Polls `check` until it returns a value other than `undefined`/`false` (or stops throwing), and
 * returns that value; throws with the last error when the time runs out, or at once when `check`
 * throws a {@link StopWaiting}.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: WaitOptions = {},
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
      last = undefined;
    } catch (err) {
      if (err instanceof StopWaiting) throw err;
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : "";
      throw new Error(`timed out waiting for ${options.what ?? "condition"}${why}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 10));
  }
}
