/**
 * The request series of one route of the table (or of one host, for the requests of a served host
 * that no route took: a path no prefix matches, a redirect to https). Made when a table is
 * applied, so a request finds its series through the route it was routed to, and its method and
 * status pick the slot with one map lookup by number; a label set is allocated once, the first
 * time it is seen.
 */
import { METHODS } from "node:http";
import type { LabelSlots } from "../../machinery/learned-metrics.ts";

/** Methods as their own label value; any other is `other` (nginx takes any token as a method). */
const METHOD_INDEX = new Map<string, number>(METHODS.map((m, i) => [m, i]));
const OTHER_METHOD = METHODS.length;

/** The labels a route gives its requests, as ingress-nginx names them. */
export interface RouteLabels {
  host: string;
  /** The route's prefix (ingress-nginx: the Ingress path, never the request's URI); empty for the host's own series. */
  path: string;
  namespace: string;
  /** The name of the record (DNSRecord, Ingress …) the route comes from. */
  ingress: string;
  /** The Service's name, empty for a route to an address. */
  service: string;
}

/** One route's series. */
export class RouteSeries {
  readonly labels: RouteLabels;
  /** `namespace/name` of the record, for the access log; undefined for a host's own series. */
  readonly record: string | undefined;
  /** Set once the route left the table: its slots are released and nothing more is counted. */
  retired = false;
  readonly #constant: Readonly<Record<string, string>>;
  readonly #slots: LabelSlots;
  readonly #byKey = new Map<number, number>();

  constructor(
    labels: RouteLabels,
    record: string | undefined,
    constant: Readonly<Record<string, string>>,
    slots: LabelSlots,
  ) {
    this.labels = labels;
    this.record = record;
    this.#slots = slots;
    this.#constant = constant;
  }

  /** The slot of `method` and `status` (a label set made the first time only). */
  slot(method: string, status: number): number {
    const m = METHOD_INDEX.get(method) ?? OTHER_METHOD;
    const key = m * 1000 + (status >= 0 && status < 1000 ? status : 0);
    const known = this.#byKey.get(key);
    if (known !== undefined) return known;
    // ingress-nginx's order: its constant labels, then status, method, path, namespace, ingress,
    // service, canary, host (collectors/socket.go).
    const { host, path, namespace, ingress, service } = this.labels;
    const slot = this.#slots.add({
      ...this.#constant,
      status: String(status),
      method: m === OTHER_METHOD ? "other" : method,
      path,
      namespace,
      ingress,
      service,
      canary: "",
      host,
    });
    this.#byKey.set(key, slot);
    return slot;
  }

  /** Releases every slot (the route left the table). */
  retire(): void {
    this.retired = true;
    for (const slot of this.#byKey.values()) this.#slots.release(slot);
    this.#byKey.clear();
  }
}
