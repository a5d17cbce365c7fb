/**
 * How much work a load made `kdns up` do, read from its `/metrics`: keys added to each work queue
 * (client-go's `workqueue_adds_total`) and the API server's writes per resource
 * (`apiserver_request_total`). Divided by the creates, they say what one create cost (syncs and
 * controller writes per pod), which does not depend on how loaded the machine is.
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
    const delta = value - (before.get(key) ?? 0);
    if (delta > 0) parts.push(`${key} ${(delta / per).toFixed(2)}`);
  }
  return parts.join(", ") || "nothing counted";
}
