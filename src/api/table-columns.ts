/**
 * Table columns per resource, as kubectl prints them (pkg/printers/internalversion/printers.go).
 * Pure functions of an object, in one place below both users: the API server's Tables
 * (`application/json;as=Table`, src/apiserver/table.ts) and the CLI's own tables and describe text
 * (src/cli/printers).
 */
import { age } from "../machinery/age.ts";
import { formatHostPort } from "../machinery/host-port.ts";
import { GATEWAY_API_COLUMNS } from "./gateway-api-columns.ts";
import type {
  ConfigMap,
  DNSRecord,
  EndpointPort,
  EndpointSlice,
  Endpoints,
  Ingress,
  IngressClass,
  KubeObject,
  Lease,
  Namespace,
  Pod,
  Secret,
  Service,
  ServicePort,
} from "./types.ts";

/** One column: its header, whether only `-o wide` shows it, and the cell of an object. */
export interface Column {
  name: string;
  wide?: boolean;
  cell(obj: KubeObject, now: number): string;
}

const NAME: Column = { name: "NAME", cell: (o) => o.metadata.name ?? "" };
const AGE: Column = { name: "AGE", cell: (o, now) => age(o.metadata.creationTimestamp, now) };

/** kubectl shows at most three endpoints and then `+ N more...`. */
const MAX_SHOWN = 3;

function truncated(list: string[], empty: string): string {
  if (list.length === 0) return empty;
  const shown = list.slice(0, MAX_SHOWN).join(",");
  return list.length > MAX_SHOWN ? `${shown} + ${list.length - MAX_SHOWN} more...` : shown;
}

/** `80/TCP,443:30443/TCP`, or `<none>`. */
export function servicePorts(ports: ServicePort[] | undefined): string {
  if (!ports || ports.length === 0) return "<none>";
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`).join(",");
}

/** `app=web,tier=front` (sorted keys), or `<none>`. */
export function labelsString(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? "<none>" : keys.map((k) => `${k}=${labels?.[k] ?? ""}`).join(",");
}

function externalIp(svc: Service): string {
  switch (svc.spec.type) {
    case "ExternalName":
      return svc.spec.externalName ?? "<none>";
    case "LoadBalancer": {
      const ingress = (svc.status?.loadBalancer?.ingress ?? []) as { ip?: string; hostname?: string }[];
      const ips = ingress.map((i) => i.ip ?? i.hostname ?? "").filter((s) => s !== "");
      return ips.length ? ips.join(",") : "<pending>";
    }
    default:
      return "<none>";
  }
}

/** `10.0.0.1:80,10.0.0.2:80 + 1 more...` over every subset, port and ready address, or `<none>`. */
export function endpointsString(ep: Endpoints): string {
  const out: string[] = [];
  for (const subset of ep.subsets ?? []) {
    const addrs = subset.addresses ?? [];
    const ports: (EndpointPort | undefined)[] = subset.ports?.length ? subset.ports : [undefined];
    for (const port of ports)
      for (const a of addrs) out.push(port ? formatHostPort({ host: a.ip, port: port.port }) : a.ip);
  }
  return truncated(out, "<none>");
}

function podReady(pod: Pod): string {
  const total = pod.spec.containers?.length ?? 0;
  const statuses = pod.status?.containerStatuses as { ready?: boolean }[] | undefined;
  if (statuses) return `${statuses.filter((s) => s.ready).length}/${total}`;
  const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  return `${ready ? total : 0}/${total}`;
}

function podRestarts(pod: Pod): string {
  const statuses = (pod.status?.containerStatuses ?? []) as { restartCount?: number }[];
  return String(statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0));
}

function dnsPaths(rec: DNSRecord): string {
  return truncated(
    (rec.spec?.paths ?? []).map((p) => p.path),
    "<none>",
  );
}

function keyCount(...maps: (Record<string, string> | undefined)[]): string {
  return String(maps.reduce((n, m) => n + Object.keys(m ?? {}).length, 0));
}

function dnsBackends(rec: DNSRecord): string {
  return truncated(
    (rec.spec?.paths ?? []).map((p) => `${p.service ?? p.address ?? "?"}:${p.port}`),
    "<none>",
  );
}

const BY_RESOURCE: Record<string, Column[]> = {
  services: [
    NAME,
    { name: "TYPE", cell: (o) => (o as Service).spec?.type ?? "ClusterIP" },
    { name: "CLUSTER-IP", cell: (o) => (o as Service).spec?.clusterIP || "<none>" },
    { name: "EXTERNAL-IP", cell: (o) => externalIp(o as Service) },
    { name: "PORT(S)", cell: (o) => servicePorts((o as Service).spec?.ports) },
    AGE,
    { name: "SELECTOR", wide: true, cell: (o) => labelsString((o as Service).spec?.selector) },
  ],
  pods: [
    NAME,
    { name: "READY", cell: (o) => podReady(o as Pod) },
    { name: "STATUS", cell: (o) => (o as Pod).status?.phase ?? "Pending" },
    { name: "RESTARTS", cell: (o) => podRestarts(o as Pod) },
    AGE,
    { name: "IP", wide: true, cell: (o) => (o as Pod).status?.podIP || "<none>" },
    { name: "NODE", wide: true, cell: (o) => (o as Pod).spec?.nodeName || "<none>" },
  ],
  endpoints: [NAME, { name: "ENDPOINTS", cell: (o) => endpointsString(o as Endpoints) }, AGE],
  endpointslices: [
    NAME,
    { name: "ADDRESSTYPE", cell: (o) => (o as EndpointSlice).addressType ?? "" },
    {
      name: "PORTS",
      cell: (o) =>
        truncated(
          ((o as EndpointSlice).ports ?? []).map((p) => String(p.port)),
          "<unset>",
        ),
    },
    {
      name: "ENDPOINTS",
      cell: (o) =>
        truncated(
          ((o as EndpointSlice).endpoints ?? []).flatMap((e) => e.addresses),
          "<unset>",
        ),
    },
    AGE,
  ],
  namespaces: [NAME, { name: "STATUS", cell: (o) => (o as Namespace).status?.phase ?? "Active" }, AGE],
  dnsrecords: [
    NAME,
    { name: "HOST", cell: (o) => (o as DNSRecord).spec?.host ?? "" },
    { name: "PATHS", cell: (o) => dnsPaths(o as DNSRecord) },
    AGE,
    { name: "BACKENDS", wide: true, cell: (o) => dnsBackends(o as DNSRecord) },
    { name: "TLS", wide: true, cell: (o) => (o as DNSRecord).spec?.tls?.secretName || "<none>" },
  ],
  // Counts only: a Secret's values never reach a table.
  secrets: [
    NAME,
    { name: "TYPE", cell: (o) => (o as Secret).type ?? "" },
    { name: "DATA", cell: (o) => keyCount((o as Secret).data) },
    AGE,
  ],
  ingresses: [
    NAME,
    { name: "CLASS", cell: (o) => (o as Ingress).spec?.ingressClassName || "<none>" },
    { name: "HOSTS", cell: (o) => ingressHosts(o as Ingress) },
    { name: "ADDRESS", cell: (o) => ingressAddress(o as Ingress) },
    { name: "PORTS", cell: (o) => ((o as Ingress).spec?.tls?.length ? "80, 443" : "80") },
    AGE,
  ],
  ingressclasses: [
    NAME,
    { name: "CONTROLLER", cell: (o) => (o as IngressClass).spec?.controller ?? "" },
    { name: "PARAMETERS", cell: (o) => ingressClassParameters(o as IngressClass) },
    AGE,
  ],
  configmaps: [NAME, { name: "DATA", cell: (o) => keyCount((o as ConfigMap).data, (o as ConfigMap).binaryData) }, AGE],
  ...GATEWAY_API_COLUMNS,
  leases: [NAME, { name: "HOLDER", cell: (o) => (o as Lease).spec?.holderIdentity ?? "" }, AGE],
};

/** kubectl's HOSTS: the rules' hosts (`*` for a rule without one), at most three then `+ N more...`. */
function ingressHosts(ing: Ingress): string {
  const hosts = (ing.spec?.rules ?? []).map((r) => r.host || "*");
  return hosts.length === 0 ? "*" : truncated(hosts, "*");
}

/** kubectl's ADDRESS: the load balancer's IPs or host names. */
function ingressAddress(ing: Ingress): string {
  return (ing.status?.loadBalancer?.ingress ?? [])
    .map((i) => i.ip || i.hostname || "")
    .filter((s) => s !== "")
    .join(",");
}

/** kubectl's PARAMETERS: `Kind.group/name`, or `<none>`. */
function ingressClassParameters(c: IngressClass): string {
  const p = c.spec?.parameters;
  if (!p) return "<none>";
  return `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ""}/${p.name}`;
}

/** The columns of a resource (by plural name); unknown resources get NAME and AGE. */
export function columnsFor(resource: string, wide: boolean): Column[] {
  return (BY_RESOURCE[resource] ?? [NAME, AGE]).filter((c) => wide || !c.wide);
}
