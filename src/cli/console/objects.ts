/**
 * The objects the console lists, kept by informers on the API (as every component keeps its own)
 * and handed to watchers as one snapshot shortly after each change: object counts, Services with
 * their IPs, endpoints and DNS names, and the route-owning objects (DNSRecords, and Ingresses and
 * HTTPRoutes where the resource table has them) with their routes and Served condition.
 */
import { type ResourceInfo, resourceByPath } from "../../api/resources.ts";
import type { DNSRecord, Endpoints, KubeObject, Service } from "../../api/types.ts";
import { Informer, type InformerSource } from "../../client/informer.ts";

/** A Service as the console shows it. */
export interface ServiceRow {
  namespace: string;
  name: string;
  type: string;
  clusterIPs: string[];
  ports: string[];
  ready: string[];
  notReady: number;
  dnsNames: string[];
}

/** A route-owning object as the console shows it. */
export interface RouteRow {
  kind: string;
  namespace: string;
  name: string;
  hosts: string[];
  paths: { path: string; target: string }[];
  /** The Served (or Accepted) condition, when the object has one. */
  served?: { status: string; reason: string; message: string };
}

/** What the console pages read. */
export interface ObjectsSnapshot {
  counts: Record<string, number>;
  synced: boolean;
  services: ServiceRow[];
  routes: RouteRow[];
}

/** Rows listed at most per page (the counts stay exact). */
const MAX_ROWS = 1000;

function serviceRow(svc: Service, eps: Endpoints | undefined, zone: string): ServiceRow {
  const ns = svc.metadata.namespace ?? "default";
  const name = svc.metadata.name ?? "";
  const spec = svc.spec ?? {};
  const ips = (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).filter((ip) => ip !== "None");
  const subsets = eps?.subsets ?? [];
  const ready = subsets.flatMap((s) =>
    (s.addresses ?? []).flatMap((a) => (s.ports ?? [{ port: 0 }]).map((p) => (p.port ? `${a.ip}:${p.port}` : a.ip))),
  );
  const base = `${name}.${ns}.svc.${zone}`;
  const hostnames = subsets.flatMap((s) =>
    (s.addresses ?? []).flatMap((a) => (a.hostname ? [`${a.hostname}.${base}`] : [])),
  );
  const srv = (spec.ports ?? [])
    .filter((p) => p.name)
    .map((p) => `_${p.name}._${(p.protocol ?? "TCP").toLowerCase()}.${base}`);
  return {
    namespace: ns,
    name,
    type:
      spec.type === "ExternalName"
        ? `ExternalName → ${spec.externalName ?? ""}`
        : spec.clusterIP === "None"
          ? "Headless"
          : (spec.type ?? "ClusterIP"),
    clusterIPs: ips,
    ports: (spec.ports ?? []).map((p) => `${p.port}/${p.protocol ?? "TCP"}${p.name ? ` (${p.name})` : ""}`),
    ready,
    notReady: subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0),
    dnsNames: [base, ...hostnames, ...srv],
  };
}

function condition(obj: KubeObject, types: string[]): RouteRow["served"] {
  const status = obj["status"] as { conditions?: unknown; parents?: { conditions?: unknown }[] } | undefined;
  const lists = [status?.conditions, ...(status?.parents ?? []).map((p) => p.conditions)];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    const found = list.find((c: { type?: string }) => types.includes(c.type ?? ""));
    if (found)
      return {
        status: String(found.status ?? ""),
        reason: String(found.reason ?? ""),
        message: String(found.message ?? ""),
      };
  }
  return undefined;
}

function dnsRecordRow(r: DNSRecord): RouteRow {
  const served = condition(r, ["Served"]);
  return {
    kind: "DNSRecord",
    namespace: r.metadata.namespace ?? "default",
    name: r.metadata.name ?? "",
    hosts: [r.spec?.host ?? ""],
    paths: (r.spec?.paths ?? []).map((p) => ({
      path: p.path,
      target: p.service !== undefined ? `service ${p.service}:${p.port}` : `${p.address}:${p.port}`,
    })),
    ...(served ? { served } : {}),
  };
}

/** Ingress (networking.k8s.io/v1) and HTTPRoute (gateway.networking.k8s.io/v1), read loosely: only what a list shows. */
function genericRouteRow(kind: string, obj: KubeObject): RouteRow {
  const spec = (obj["spec"] ?? {}) as {
    rules?: {
      host?: string;
      http?: {
        paths?: {
          path?: string;
          backend?: { service?: { name?: string; port?: { number?: number; name?: string } } };
        }[];
      };
      matches?: { path?: { value?: string } }[];
      backendRefs?: { name?: string; port?: number }[];
    }[];
    hostnames?: string[];
  };
  const rules = spec.rules ?? [];
  const hosts = spec.hostnames ?? [...new Set(rules.map((r) => r.host ?? "*"))];
  const paths = rules.flatMap((r) => [
    ...(r.http?.paths ?? []).map((p) => ({
      path: p.path ?? "/",
      target: `service ${p.backend?.service?.name ?? "?"}:${p.backend?.service?.port?.number ?? p.backend?.service?.port?.name ?? "?"}`,
    })),
    ...(r.backendRefs
      ? (r.matches ?? [{ path: { value: "/" } }]).map((m) => ({
          path: m.path?.value ?? "/",
          target: (r.backendRefs ?? []).map((b) => `service ${b.name}:${b.port}`).join(", "),
        }))
      : []),
  ]);
  const served = condition(obj, ["Served", "Accepted", "Ready"]);
  return {
    kind,
    namespace: obj.metadata.namespace ?? "default",
    name: obj.metadata.name ?? "",
    hosts,
    paths,
    ...(served ? { served } : {}),
  };
}

function info(group: string, resource: string): ResourceInfo | undefined {
  return resourceByPath(group, resource);
}

/** Keeps the console's objects and tells watchers of changes (at most every 100 ms). */
export class ConsoleObjects {
  readonly #zone: string;
  readonly #informers = new Map<string, Informer<KubeObject>>();
  readonly #routeKinds: [kind: string, resource: string][] = [];
  readonly #watchers = new Set<(snapshot: ObjectsSnapshot) => void>();
  readonly #stop = new AbortController();
  #started = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(source: InformerSource, zone: string) {
    this.#zone = zone;
    const kinds: [string, string, string][] = [
      ["", "namespaces", ""],
      ["", "services", ""],
      ["", "endpoints", ""],
      ["", "pods", ""],
      ["kdns.dev", "dnsrecords", "DNSRecord"],
      ["networking.k8s.io", "ingresses", "Ingress"],
      ["gateway.networking.k8s.io", "httproutes", "HTTPRoute"],
    ];
    for (const [group, resource, routeKind] of kinds) {
      const found = info(group, resource);
      if (!found) continue;
      const inf = new Informer<KubeObject>(source, found);
      for (const event of ["add", "update", "delete"] as const) inf.on(event, () => this.#changed());
      this.#informers.set(resource, inf);
      if (routeKind) this.#routeKinds.push([routeKind, resource]);
    }
  }

  /** Adds a watcher (starting the informers on the first) until the returned function is called. */
  watch(watcher: (snapshot: ObjectsSnapshot) => void): () => void {
    if (!this.#started) {
      this.#started = true;
      for (const inf of this.#informers.values()) {
        inf.start(this.#stop.signal);
        void inf.waitForSync(this.#stop.signal).then(
          () => this.#changed(),
          () => undefined,
        );
      }
    }
    this.#watchers.add(watcher);
    watcher(this.snapshot());
    return () => void this.#watchers.delete(watcher);
  }

  /** Stops the informers. */
  close(): void {
    this.#stop.abort();
    clearTimeout(this.#timer);
  }

  #changed(): void {
    if (this.#timer || this.#watchers.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const snapshot = this.snapshot();
      for (const w of this.#watchers) w(snapshot);
    }, 100);
  }

  /** The objects now. */
  snapshot(): ObjectsSnapshot {
    const list = (resource: string) => this.#informers.get(resource)?.list() ?? [];
    const counts: Record<string, number> = {};
    for (const [resource, inf] of this.#informers) counts[resource] = inf.list().length;
    const endpoints = this.#informers.get("endpoints");
    const services = (list("services") as Service[])
      .slice(0, MAX_ROWS)
      .map((s) =>
        serviceRow(s, endpoints?.get(s.metadata.namespace, s.metadata.name ?? "") as Endpoints | undefined, this.#zone),
      );
    const routes = this.#routeKinds.flatMap(([kind, resource]) =>
      list(resource)
        .slice(0, MAX_ROWS)
        .map((o) => (kind === "DNSRecord" ? dnsRecordRow(o as DNSRecord) : genericRouteRow(kind, o))),
    );
    const byKey = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
      a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
    return {
      counts,
      synced: [...this.#informers.values()].every((i) => i.hasSynced()),
      services: services.sort(byKey),
      routes: routes.sort(byKey),
    };
  }
}
