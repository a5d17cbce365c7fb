/**
 * The order routes of one host are tried in, shared by every source so DNSRecord, Ingress and
 * HTTPRoute routes of a host interleave by one rule. Gateway API (HTTPRouteRule, "matching
 * precedence"): an Exact path first, then the longest prefix, then a method match, then the most
 * header matches, then the most query parameter matches; ties go to the oldest owner, then to
 * `namespace/name`, then to the owner's own order. The Ingress spec's rule (longest path first,
 * Exact before Prefix on a tie) gives the same order for path-only routes, since an Exact path
 * and a prefix both matching one request can only have the Exact one at least as long.
 */
import type { RouteMatch } from "./model.ts";

/** A route with what ranks it beside its match. */
export interface Ranked {
  match: RouteMatch;
  created: string;
  /** `namespace/name` of the owner (kind first, so one kind's ties stay together). */
  ownerKey: string;
  /** Position in the owner's route list. */
  index: number;
}

/** Negative when `a` is tried before `b`. */
export function compareRoutes(a: Ranked, b: Ranked): number {
  const ea = a.match.path.type === "Exact" ? 0 : 1;
  const eb = b.match.path.type === "Exact" ? 0 : 1;
  if (ea !== eb) return ea - eb;
  if (a.match.path.value.length !== b.match.path.value.length)
    return b.match.path.value.length - a.match.path.value.length;
  const ma = a.match.method !== undefined ? 0 : 1;
  const mb = b.match.method !== undefined ? 0 : 1;
  if (ma !== mb) return ma - mb;
  const ha = a.match.headers?.length ?? 0;
  const hb = b.match.headers?.length ?? 0;
  if (ha !== hb) return hb - ha;
  const qa = a.match.queryParams?.length ?? 0;
  const qb = b.match.queryParams?.length ?? 0;
  if (qa !== qb) return qb - qa;
  if (a.created !== b.created) return a.created < b.created ? -1 : 1;
  if (a.ownerKey !== b.ownerKey) return a.ownerKey < b.ownerKey ? -1 : 1;
  return a.index - b.index;
}
