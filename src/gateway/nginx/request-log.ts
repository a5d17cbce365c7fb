/** nginx's request lines (syslog-receiver.ts) → the gateway's metrics and access log, as the built-in engine feeds them. */
import type { RequestObservers } from "../observers.ts";
import type { NginxLogLine } from "./syslog-receiver.ts";

/** The handler of every line nginx sends. */
export function observeNginxLines(observers: RequestObservers): (line: NginxLogLine) => void {
  const { metrics, accessLog } = observers;
  return (line) => {
    // Requests nginx's default server took (no host the table serves) are not counted, as the
    // built-in engine does not count them; ingress-nginx counts no host it does not serve either.
    const series = metrics && line.server !== "" ? metrics.series(line.server, line.path) : undefined;
    if (series) metrics?.observe(series, line.method, line.status, line.duration, line.bytes);
    accessLog?.write({
      time: line.time,
      client: line.client,
      host: line.host,
      method: line.method,
      path: line.uri,
      status: line.status,
      bytes: line.bytes,
      duration: line.duration,
      upstream: line.upstream === "" ? null : line.upstream,
      route: line.route === "" ? null : line.route,
    });
  };
}
