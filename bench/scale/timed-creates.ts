/** Creating objects through the API with a fixed number in flight, timing each write. */
import type { ResourceInfo } from "../../src/api/resources.ts";
import type { KubeObject } from "../../src/api/types.ts";
import type { RestClient } from "../../src/client/rest-client.ts";
import { progress } from "../support/proc.ts";

/** When each create finished (ms since the first started) and how long each took. */
export interface CreateTimes {
  /** Completion times, in completion order. */
  doneAt: number[];
  latencies: number[];
  totalMs: number;
}

/** Creates `count` objects made by `make(i)`, `concurrency` in flight. */
export async function createTimed(
  client: RestClient,
  info: ResourceInfo,
  count: number,
  make: (i: number) => KubeObject,
  concurrency = 32,
): Promise<CreateTimes> {
  const doneAt: number[] = [];
  const latencies: number[] = [];
  const started = performance.now();
  const step = Math.max(1, Math.floor(count / 10));
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const obj = make(i);
      const t0 = performance.now();
      await client.create(info, obj.metadata.namespace, obj);
      const t1 = performance.now();
      latencies.push(t1 - t0);
      doneAt.push(t1 - started);
      if (doneAt.length % step === 0)
        progress(
          `created ${doneAt.length}/${count} ${info.resource} (${Math.round(doneAt.length / ((t1 - started) / 1000))}/s)`,
        );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { doneAt, latencies, totalMs: performance.now() - started };
}

/** Creates per second over the first and the last 10% of the objects. */
export function firstLastRates(times: CreateTimes): { first: number; last: number } {
  const n = times.doneAt.length;
  const tenth = Math.max(1, Math.floor(n / 10));
  const at = (i: number): number => times.doneAt[Math.min(n - 1, Math.max(0, i))] ?? 0;
  const first = tenth / (at(tenth - 1) / 1000);
  const last = tenth / ((at(n - 1) - at(n - 1 - tenth)) / 1000);
  return { first, last };
}

/** The `p`th percentile of `values` (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
