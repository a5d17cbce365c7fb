/**
 * The worker side every level-triggered controller shares: wait for the informers, then hand
 * keys from the queue to `sync` on a few workers. A sync that throws is retried with the queue's
 * backoff (a 409 only at debug level: it means "read again"); one that answers "requeue" (work
 * still in progress elsewhere, e.g. objects waiting on finalizers) is looked at again after the
 * same backoff without counting as a failure in the log.
 */
import type { Informer } from "../client/informer.ts";
import { ClientError } from "../client/rest-client.ts";
import type { WorkQueue } from "../client/work-queue.ts";
import type { Logger } from "../machinery/log.ts";

/** What one sync of a key asks for next. */
export type SyncOutcome = "done" | "requeue";

/** Options of {@link runWorkers}. */
export interface RunWorkersOptions {
  queue: WorkQueue;
  informers: readonly Pick<Informer<never, unknown>, "waitForSync">[];
  sync: (key: string) => Promise<SyncOutcome>;
  log: Logger;
  /** Concurrent syncs; one key is never synced twice at once. */
  workers: number;
  signal: AbortSignal;
}

/** Runs the workers until the signal aborts; resolves once they have stopped. */
export async function runWorkers(options: RunWorkersOptions): Promise<void> {
  const { queue, signal, log } = options;
  if (signal.aborted) queue.shutDown();
  else signal.addEventListener("abort", () => queue.shutDown(), { once: true });
  try {
    await Promise.all(options.informers.map((inf) => inf.waitForSync(signal)));
  } catch {
    return;
  }
  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get(signal);
      if (key === undefined) return;
      try {
        if ((await options.sync(key)) === "requeue") queue.addRateLimited(key);
        else queue.forget(key);
      } catch (err) {
        if (!signal.aborted) {
          const level = err instanceof ClientError && err.code === 409 ? "debug" : "warn";
          log[level]({ key, err: String(err), retries: queue.numRequeues(key) }, "sync failed; requeued");
          queue.addRateLimited(key);
        }
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers }, () => worker()));
}
