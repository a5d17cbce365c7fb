/**
 * Defaults of the Gateway API kinds, the `default:` values of the upstream CRDs: a new
 * GatewayClass or Gateway starts with its conditions Unknown ("Waiting for controller"); listeners
 * admit routes from their own namespace and terminate TLS; an HTTPRoute without rules matches every
 * path (PathPrefix `/`); references default to Gateways and Services, weights to 1, redirects to 302.
 */
import { GATEWAY_API_GROUP } from "../gateway-api-types.ts";
import type { KubeObject } from "../types.ts";
import { isRecord } from "../validation/guards.ts";

const EPOCH = "1970-01-01T00:00:00Z";

function pending(type: string): Record<string, unknown> {
  return { type, status: "Unknown", reason: "Pending", message: "Waiting for controller", lastTransitionTime: EPOCH };
}

function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

function fill(o: Record<string, unknown>, key: string, value: unknown): void {
  if (o[key] === undefined) o[key] = value;
}

/** GatewayClass: the initial Accepted condition. */
export function defaultGatewayClass(obj: KubeObject): void {
  if (obj["status"] === undefined) obj["status"] = { conditions: [pending("Accepted")] };
}

/** Gateway: allowedRoutes from the Gateway's namespace, TLS Terminate, Secret certificate references, initial conditions. */
export function defaultGateway(obj: KubeObject): void {
  const spec = obj["spec"];
  if (isRecord(spec)) {
    for (const l of records(spec["listeners"])) {
      fill(l, "allowedRoutes", { namespaces: { from: "Same" } });
      const ar = l["allowedRoutes"];
      if (isRecord(ar)) {
        fill(ar, "namespaces", { from: "Same" });
        if (isRecord(ar["namespaces"])) fill(ar["namespaces"], "from", "Same");
        for (const k of records(ar["kinds"])) fill(k, "group", GATEWAY_API_GROUP);
      }
      const tls = l["tls"];
      if (isRecord(tls)) {
        fill(tls, "mode", "Terminate");
        for (const ref of records(tls["certificateRefs"])) {
          fill(ref, "group", "");
          fill(ref, "kind", "Secret");
        }
      }
    }
    for (const a of records(spec["addresses"])) fill(a, "type", "IPAddress");
  }
  if (obj["status"] === undefined) obj["status"] = { conditions: [pending("Accepted"), pending("Programmed")] };
}

function defaultFilters(filters: unknown): void {
  for (const f of records(filters)) {
    const redirect = f["requestRedirect"];
    if (isRecord(redirect)) fill(redirect, "statusCode", 302);
  }
}

/** HTTPRoute: parentRefs to Gateways, a PathPrefix `/` match, Exact header and query matches, Service backends of weight 1. */
export function defaultHTTPRoute(obj: KubeObject): void {
  const spec = obj["spec"];
  if (!isRecord(spec)) return;
  for (const p of records(spec["parentRefs"])) {
    fill(p, "group", GATEWAY_API_GROUP);
    fill(p, "kind", "Gateway");
  }
  fill(spec, "rules", [{ matches: [{ path: { type: "PathPrefix", value: "/" } }] }]);
  for (const rule of records(spec["rules"])) {
    fill(rule, "matches", [{ path: { type: "PathPrefix", value: "/" } }]);
    for (const m of records(rule["matches"])) {
      fill(m, "path", { type: "PathPrefix", value: "/" });
      if (isRecord(m["path"])) {
        fill(m["path"], "type", "PathPrefix");
        fill(m["path"], "value", "/");
      }
      for (const h of [...records(m["headers"]), ...records(m["queryParams"])]) fill(h, "type", "Exact");
    }
    defaultFilters(rule["filters"]);
    for (const b of records(rule["backendRefs"])) {
      fill(b, "group", "");
      fill(b, "kind", "Service");
      fill(b, "weight", 1);
      defaultFilters(b["filters"]);
    }
  }
}
