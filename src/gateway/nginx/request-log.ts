/**
 * nginx's request lines (request-log-render.ts: tab-separated fields, values escaped as `\xHH`) →
 * the gateway's metrics and access log, as the built-in engine feeds them. A line is split once;
 * only values that carry an escape are decoded, and the access log's fields are read only when
 * there is an access log.
 */
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

/** The handler of every line; `accessLog` says whether nginx writes the access log's fields. */
export function observeNginxLine(observers: RequestObservers): (line: string) => void {
  const { metrics, accessLog } = observers;
  const fields = METRIC_FIELDS.length + (accessLog ? ACCESS_FIELDS.length : 0);
  return (line) => {
    const f = line.split("\t");
    // A line of another format (an earlier run's) is not ours to count.
    if (f.length !== fields) return;
    const status = Number.parseInt(f[3]!, 10);
    if (!Number.isFinite(status)) return;
    const server = unescapeNginx(f[0]!);
    const method = unescapeNginx(f[2]!);
    const duration = Number(f[4]) || 0;
    const bytes = Number(f[5]) || 0;
    // Requests nginx's default server took (no host the table serves) are not counted, as the
    // built-in engine does not count them; ingress-nginx counts no host it does not serve either.
    if (metrics && server !== "") {
      const series = metrics.series(server, unescapeNginx(f[1]!));
      if (series) metrics.observe(series, method, status, duration, bytes);
    }
    if (!accessLog) return;
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
