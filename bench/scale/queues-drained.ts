/**
 * Waiting, after a load, until `kdns up`'s controllers have worked through it: their informers
 * hold every object created and every work queue is empty with nothing in progress, read from
 * the process's `/metrics` (client-go's `workqueue_depth` and `workqueue_unfinished_work_seconds`,
 * kdns's `kdns_informer_objects`). What the readiness flips measure afterwards is then the lag of
 * one change, not the backlog of the creates.
 */
import { parseSamples, sumOf } from "../../test/support/prom-text.ts";

/** Options of {@link queuesDrained}. */
export interface DrainOptions {
  /** Pods the controllers' pod informer must hold before an empty queue counts. */
  pods: number;
  /** Consecutive polls that must all find the queues empty (default 5). */
  polls?: number;
  /** Time between polls (default 200 ms). */
  intervalMs?: number;
  /** Give up after this long (default 10 min). */
  timeoutMs?: number;
}

/** What one scrape says about the controllers' backlog. */
interface Backlog {
  depth: number;
  /** Seconds of sync work in progress over every queue (0: no worker busy). */
  busy: number;
  pods: number;
  /** Depth per queue, for the failure message. */
  queues: string;
}

async function backlog(url: string): Promise<Backlog> {
  const samples = parseSamples(await (await fetch(`${url}/metrics`)).text());
  const depths = samples.filter((s) => s.name === "workqueue_depth");
  return {
    depth: depths.reduce((n, s) => n + s.value, 0),
    busy: sumOf(samples, "workqueue_unfinished_work_seconds"),
    pods: sumOf(samples, "kdns_informer_objects", { component: "controllers", resource: "pods" }),
    queues: depths.map((s) => `${s.labels["name"]}=${s.value}`).join(", ") || "no workqueue_depth samples",
  };
}

/**
 * Resolves with the ms from `since` (a performance.now() time) to the first of `polls`
 * consecutive polls that found the controllers' pod informer full and every work queue empty and
 * idle; throws, naming the queues' depths, if that has not happened within the timeout.
 */
export async function queuesDrained(url: string, since: number, options: DrainOptions): Promise<number> {
  const polls = options.polls ?? 5;
  const interval = options.intervalMs ?? 200;
  const timeout = options.timeoutMs ?? 600_000;
  let emptySince: number | undefined;
  let streak = 0;
  let last: Backlog | undefined;
  while (performance.now() - since < timeout) {
    const at = performance.now();
    last = await backlog(url);
    if (last.pods >= options.pods && last.depth === 0 && last.busy === 0) {
      emptySince ??= at;
      if (++streak >= polls) return emptySince - since;
    } else {
      emptySince = undefined;
      streak = 0;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(
    `the controllers' work queues did not drain within ${timeout / 1000} s of the last create: ` +
      `${last ? `queues ${last.queues}, ${last.busy.toFixed(1)} s of syncs in progress, pod informer ${last.pods}/${options.pods}` : "no scrape answered"}`,
  );
}
