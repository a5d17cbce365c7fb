/**
 * `kdns_gateway_route_change_seconds` and the reload gauges, fed by the gateway controller: every
 * change it hears of is stamped with when it was made, and a pass that puts a new configuration in
 * service observes the time from the earliest change it answers to that moment.
 *
 * When a change was made: for Endpoints, Kubernetes' last-change-trigger-time annotation (written
 * by the endpoints controller: when it saw the Pod or Service change the Endpoints answer, as
 * CoreDNS's DNS programming duration reads it); for every other object, the moment the gateway's
 * watch delivered it, since the write times objects carry (creationTimestamp, managedFields'
 * `time`) have whole seconds only, as in Kubernetes. A change is live when the
 * engine serves it: the built-in engine from the next request, nginx once its reload is done.
 */
import { TRIGGER_TIME_ANNOTATION } from "../../api/well-known.ts";
import type { ApplyResult } from "../engine.ts";
import type { GatewayMetrics } from "./gateway-metrics.ts";

/** Anything an informer hands over; only Endpoints' annotation is read. */
interface Changed {
  metadata?: { annotations?: Record<string, string> };
}

/** The controller's side of the configuration metrics. */
export class ConfigChanges {
  readonly #metrics: GatewayMetrics;
  readonly #now: () => number;
  #earliest: number | undefined;

  constructor(metrics: GatewayMetrics, now: () => number = Date.now) {
    this.#metrics = metrics;
    this.#now = now;
  }

  /** The controller heard of a change to `object` (after its caches synced). */
  changed(object: Changed | undefined): void {
    const now = this.#now();
    const annotated = object?.metadata?.annotations?.[TRIGGER_TIME_ANNOTATION];
    const parsed = annotated === undefined ? Number.NaN : Date.parse(annotated);
    const at = Number.isFinite(parsed) && parsed <= now ? parsed : now;
    if (this.#earliest === undefined || at < this.#earliest) this.#earliest = at;
  }

  /** A pass begins: the changes heard so far are those it answers (returned for {@link applied}). */
  passStarts(): number | undefined {
    const since = this.#earliest;
    this.#earliest = undefined;
    return since;
  }

  /** The pass that began at `since` ended in `result`. */
  applied(since: number | undefined, result: ApplyResult): void {
    if (result.type === "unchanged") return;
    const now = this.#now();
    this.#metrics.reloaded(result.type === "applied", now);
    if (result.type === "applied" && since !== undefined) this.#metrics.routeChanged((now - since) / 1000);
  }
}
