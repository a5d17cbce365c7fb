/**
 * How much work a load made `kdns up` do, read from its `/metrics`: keys added to each work queue
 * (client-go's `workqueue_adds_total`) and the API server's writes per resource
 * (`apiserver_request_total`). Divided by the creates, they say what one create cost (syncs and
 * controller writes per pod), which does not depend on how loaded the machine is. Also the time
 * the process stood in V8's collector (`nodejs_gc_duration_seconds`): one major collection of a
 * large heap stops everything, so it sets a lag's p99 when it lands among the changes measured.
 */
import { parseSamples, type Series } from "../../test/support/prom-text.ts";

/** Counters at one moment; subtract two to get a phase's work. */
export type WorkCounts = Map<string, number>;

const WRITE_VERBS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Queue adds by queue name (`adds endpoint`) and writes by verb and resource (`PUT endpointslices`). */
export async function workCounts(url: string): Promise<WorkCounts> {
  const out: WorkCounts = new Map();
  const add = (key: string, s: Series): void => void out.set(key, (out.get(key) ?? 0) + s.value);
  for (const s of parseSamples(await (await fetch(`${url}/metrics`)).text())) {
    if (s.name === "workqueue_adds_total") add(`adds ${s.labels["name"]}`, s);
    else if (s.name === "nodejs_gc_duration_seconds_sum") add(`gc ${s.labels["kind"]} seconds`, s);
    else if (s.name === "nodejs_gc_duration_seconds_count") add(`gc ${s.labels["kind"]} count`, s);
    else if (s.name === "nodejs_gc_duration_seconds_bucket" && s.labels["le"] === "0.1")
      add(`gc ${s.labels["kind"]} count`, { ...s, value: -s.value });
    else if (s.name === "apiserver_request_total" && WRITE_VERBS.has(s.labels["verb"] ?? ""))
      add(
        `${s.labels["verb"]} ${s.labels["resource"]}${s.labels["subresource"] ? `/${s.labels["subresource"]}` : ""}`,
        s,
      );
  }
  return out;
}

/** `after - before` per counter, each divided by `per` (e.g. the pods created), as one readable line. */
export function perUnit(before: WorkCounts, after: WorkCounts, per: number): string {
  const parts: string[] = [];
  for (const [key, value] of [...after].sort(([a], [b]) => a.localeCompare(b))) {
    if (key.startsWith("gc ")) continue;
    const delta = value - (before.get(key) ?? 0);
    if (delta > 0) parts.push(`${key} ${(delta / per).toFixed(2)}`);
  }
  return parts.join(", ") || "nothing counted";
}

/** Time in V8's collector between two counts, by kind, with the pauses over 100 ms. */
export function gcBetween(before: WorkCounts, after: WorkCounts): string {
  const delta = (key: string): number => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  const parts: string[] = [];
  for (const kind of ["major", "minor", "incremental"]) {
    const seconds = delta(`gc ${kind} seconds`);
    if (seconds > 0)
      parts.push(`${kind} ${Math.round(seconds * 1000)} ms (${delta(`gc ${kind} count`)} pauses over 100 ms)`);
  }
  return parts.join(", ") || "none";
}
