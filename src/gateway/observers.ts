/** What watches the requests an engine serves: the metrics and the access log, each when on. */
import type { AccessLog } from "./access-log/writer.ts";
import type { GatewayMetrics } from "./metrics/gateway-metrics.ts";

/** Both are optional; with neither, an engine does no per-request work for them. */
export interface RequestObservers {
  metrics?: GatewayMetrics;
  accessLog?: AccessLog;
}
