/**
 * Ingress (networking.k8s.io/v1) → {@link OwnerRoutes}, with Kubernetes semantics rather than
 * DNSRecord's: the path reaches the backend unchanged; `pathType` Exact matches the whole path,
 * Prefix and ImplementationSpecific match whole path elements; a rule without host is the
 * catch-all host `*`; `defaultBackend` serves `/` (as a prefix) on each host of the Ingress after
 * its paths, and on the catch-all host. Backends are Service ports by number or name. Each `tls`
 * entry serves its hosts (all the Ingress's hosts when it lists none) with its Secret; plain HTTP
 * is not redirected (ingress-nginx's `ssl-redirect` default redirects; kdns keeps plain HTTP
 * serving, as an Ingress has no field to say so). Which Ingresses the gateway serves (by class) is
 * the controller's choice (ingress-class.ts); this translates one it serves. Values are re-checked
 * against the API's validation, so one that slipped past it never reaches an engine.
 */
import type { Ingress, IngressBackend } from "../../api/types.ts";
import { validateIngress } from "../../api/validation/ingress.ts";
import { normalizePrefix } from "./prefix.ts";
import type { BackendRef, OwnerRoutes, SourceRoute } from "./source.ts";
import { ROOT_PREFIX } from "./source.ts";

/** The catch-all host a rule without `host` serves. */
export const ANY_HOST = "*";

function backendRef(namespace: string, b: IngressBackend | undefined): BackendRef[] {
  const s = b?.service;
  if (!s) return []; // a resource backend: no backend kdns can serve (500, as a rule without backends)
  const port = s.port.number !== undefined && s.port.number !== 0 ? s.port.number : (s.port.name ?? "");
  return [{ type: "service", namespace, name: s.name, port, weight: 1 }];
}

/** The Ingress's routes. */
export function ingressRoutes(ingress: Ingress): OwnerRoutes {
  const namespace = ingress.metadata.namespace ?? "default";
  const owner = { kind: "Ingress" as const, namespace, name: ingress.metadata.name ?? "" };
  const created = ingress.metadata.creationTimestamp ?? "";
  const causes = validateIngress(ingress);
  if (causes.length > 0) {
    const c = causes[0]!;
    return { owner, created, routes: [], tls: [], invalid: `${c.field}: ${c.message}` };
  }
  const spec = ingress.spec ?? {};
  const routes: SourceRoute[] = [];
  const hosts = new Set<string>();
  for (const rule of spec.rules ?? []) {
    const host = rule.host ? rule.host.toLowerCase() : ANY_HOST;
    hosts.add(host);
    for (const p of rule.http?.paths ?? []) {
      const path = p.path ?? "/";
      routes.push({
        host,
        path,
        match: {
          path:
            p.pathType === "Exact"
              ? { type: "Exact", value: path }
              : { type: "PathPrefix", value: normalizePrefix(path) },
        },
        filters: [],
        backends: backendRef(namespace, p.backend),
      });
    }
  }
  if (spec.defaultBackend) {
    if (hosts.size === 0) hosts.add(ANY_HOST);
    for (const host of hosts)
      routes.push({
        host,
        path: "/",
        match: { path: ROOT_PREFIX },
        filters: [],
        backends: backendRef(namespace, spec.defaultBackend),
      });
  }
  const tls = (spec.tls ?? [])
    .filter((t) => t.secretName)
    .map((t) => ({
      hosts: (t.hosts ?? []).map((h) => h.toLowerCase()),
      secret: `${namespace}/${t.secretName}`,
      redirect: false,
    }));
  return { owner, created, routes, tls };
}
