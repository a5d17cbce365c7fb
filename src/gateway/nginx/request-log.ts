/**
 * nginx's request lines (request-log-render.ts: tab-separated fields, values escaped as `\xHH`) →
 * the gateway's metrics and access log, as the built-in engine feeds them. This runs once per
 * request on kdns's event loop, which under `kdns up` is DNS's too, so the metrics' fields are
 * read in place: the tabs found with `indexOf`, the numbers parsed from their digits, the series
 * found by the line's `server<TAB>path` start in a cache kept until the next table. Only values
 * that carry an escape are decoded; the access log's fields are split only when there is one.
 */
import type { RouteSeries } from "../metrics/route-series.ts";
import type { RequestObservers } from "../observers.ts";
import { ACCESS_FIELDS, METRIC_FIELDS } from "./request-log-render.ts";

const HEX = /\\x([0-9A-Fa-f]{2})/g;

/** A value as nginx's `escape=default` wrote it, decoded (the bytes it stands for, read as UTF-8). */
export function unescapeNginx(value: string): string {
  if (!value.includes("\\x")) return value;
  const bytes = Buffer.from(
    value.replace(HEX, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    "latin1",
  );
  return bytes.toString("utf8");
}

/** nginx writes `-` for a variable that has no value (no upstream, no request line). */
const orEmpty = (v: string): string => (v === "-" ? "" : v);

/** The last address of `$upstream_addr` (`a, b` after a retry, `a : b` after an internal redirect). */
function lastUpstream(v: string): string {
  const parts = v.split(/, | : /);
  const last = parts[parts.length - 1]!;
  return orEmpty(last);
}

/**
 * The number nginx wrote in `line` from `from` to `to`: digits with at most one `.` (`$status`,
 * `$bytes_sent`, `$request_time`'s `s.mmm`); NaN for anything else.
 */
export function numberAt(line: string, from: number, to: number): number {
  if (from >= to) return Number.NaN;
  let whole = 0;
  let i = from;
  for (; i < to; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    whole = whole * 10 + d;
  }
  if (i === to) return whole;
  if (line.charCodeAt(i) !== 46 || i === from) return Number.NaN;
  let fraction = 0;
  let scale = 1;
  for (i++; i < to; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    fraction = fraction * 10 + d;
    scale *= 10;
  }
  return whole + fraction / scale;
}

/** The handler of every line. */
export function observeNginxLine(observers: RequestObservers): (line: string) => void {
  const { metrics, accessLog } = observers;
  const fields = METRIC_FIELDS.length + (accessLog ? ACCESS_FIELDS.length : 0);
  /** `server<TAB>path` → its series (null: not counted), for the table `tables` names. */
  const cache = new Map<string, RouteSeries | null>();
  let tables = -1;
  const seriesOf = (key: string, tab: number): RouteSeries | null => {
    if (!metrics) return null;
    if (metrics.tables !== tables) {
      cache.clear();
      tables = metrics.tables;
    }
    let series = cache.get(key);
    if (series === undefined) {
      const server = unescapeNginx(key.slice(0, tab));
      // Requests nginx's default server took (no host the table serves) are not counted, as the
      // built-in engine does not count them; ingress-nginx counts no host it does not serve either.
      series = server === "" ? null : (metrics.series(server, unescapeNginx(key.slice(tab + 1))) ?? null);
      // Bounded by the table's routes, plus the hosts of lines that name none (not more than
      // nginx's server names), since only nginx writes the file.
      cache.set(key, series);
    }
    return series;
  };
  return (line) => {
    const t1 = line.indexOf("\t");
    const t2 = line.indexOf("\t", t1 + 1);
    const t3 = line.indexOf("\t", t2 + 1);
    const t4 = line.indexOf("\t", t3 + 1);
    const t5 = line.indexOf("\t", t4 + 1);
    // A line of another format (an earlier run's) is not ours to count.
    if (t1 < 0 || t2 < 0 || t3 < 0 || t4 < 0 || t5 < 0) return;
    const t6 = line.indexOf("\t", t5 + 1);
    if (accessLog ? t6 < 0 : t6 >= 0) return;
    const status = numberAt(line, t3 + 1, t4);
    if (!Number.isInteger(status)) return;
    const duration = numberAt(line, t4 + 1, t5) || 0;
    const bytes = numberAt(line, t5 + 1, t6 < 0 ? line.length : t6) || 0;
    const method = unescapeNginx(line.slice(t2 + 1, t3));
    const series = seriesOf(line.slice(0, t2), t1);
    if (series && metrics) metrics.observe(series, method, status, duration, bytes);
    if (!accessLog) return;
    const f = line.split("\t");
    if (f.length !== fields) return;
    const time = Number(f[6]) * 1000;
    const upstream = lastUpstream(unescapeNginx(f[10]!));
    const route = unescapeNginx(f[11]!);
    accessLog.write({
      time: Number.isFinite(time) ? time : Date.now(),
      client: unescapeNginx(f[7]!),
      host: unescapeNginx(f[8]!),
      method,
      path: orEmpty(unescapeNginx(f[9]!)),
      status,
      bytes,
      duration,
      upstream: upstream === "" ? null : upstream,
      route: route === "" ? null : route,
    });
  };
}
