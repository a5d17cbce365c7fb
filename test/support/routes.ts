/**
 * Route tables for engine tests, written in the DNSRecord shape (a prefix that is stripped, one
 * group of backends), as most engine tests need nothing else.
 */
import type { Backend, Route, RouteOwner } from "../../src/gateway/routes/model.ts";

/** The DNSRecord owner `namespace/name`. */
export function recordOwner(key: string): RouteOwner {
  const [namespace = "", name = ""] = key.split("/");
  return { kind: "DNSRecord", namespace, name };
}

/** A DNSRecord-style route: PathPrefix `prefix`, stripped; one group of `backends` (or `unavailable`). */
export function dnsRoute(r: {
  prefix: string;
  record: string;
  target?: string;
  backends: Backend[];
  unavailable?: string;
}): Route {
  return {
    match: { path: { type: "PathPrefix", value: r.prefix } },
    owner: recordOwner(r.record),
    filters: [{ type: "URLRewrite", path: { type: "ReplacePrefixMatch", value: "/" } }],
    groups: [
      {
        weight: 1,
        target: r.target ?? "t",
        backends: r.backends,
        ...(r.unavailable !== undefined ? { unavailable: r.unavailable } : {}),
      },
    ],
  };
}
