/**
 * The server's side of `kubectl get pods -A`: every page of 500 pods as the Table kubectl asks
 * for, fetched back to back (no client-side throttling, no printing), timing the whole list and
 * each page, so a per-page cost that grows along the list (a continue token costing O(n)) shows
 * as a last page slower than the first.
 */

/** kubectl's Accept header for `get`. */
const TABLE_ACCEPT =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/** What {@link pagedTableList} measured. */
export interface PagedList {
  ms: number;
  rows: number;
  pages: number;
  /** Median time of the first and of the last tenth of the pages (ms). */
  firstPagesMs: number;
  lastPagesMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Lists `path` (e.g. `/api/v1/pods`) from `server` in pages of `limit`, as kubectl's table. */
export async function pagedTableList(server: string, path: string, limit = 500): Promise<PagedList> {
  const started = performance.now();
  const times: number[] = [];
  let rows = 0;
  let cont = "";
  do {
    const at = performance.now();
    const res = await fetch(`${server}${path}?limit=${limit}${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`, {
      headers: { accept: TABLE_ACCEPT },
    });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { rows?: unknown[]; metadata?: { continue?: string } };
    times.push(performance.now() - at);
    rows += page.rows?.length ?? 0;
    cont = page.metadata?.continue ?? "";
  } while (cont);
  const tenth = Math.max(1, Math.floor(times.length / 10));
  return {
    ms: performance.now() - started,
    rows,
    pages: times.length,
    firstPagesMs: median(times.slice(0, tenth)),
    lastPagesMs: median(times.slice(-tenth)),
  };
}
