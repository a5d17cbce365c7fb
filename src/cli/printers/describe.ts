/** `kdns describe` text: common metadata, then what matters for each kind (kubectl style). */
import { endpointsString, labelsString } from "../../api/table-columns.ts";
import type { DNSRecord, Endpoints, KubeObject, Pod, Service } from "../../api/types.ts";
import { formatTable } from "./table.ts";

type Line = [label: string, value: string];

function block(lines: Line[]): string {
  const width = Math.max(...lines.map(([l]) => l.length)) + 3;
  return lines.map(([l, v]) => `${`${(`${l}:`).padEnd(width)}${v}`.trimEnd()}\n`).join("");
}

function mapLines(label: string, map: Record<string, string> | undefined): Line[] {
  const keys = Object.keys(map ?? {}).sort();
  if (keys.length === 0) return [[label, "<none>"]];
  return keys.map((k, i): Line => [i === 0 ? label : "", `${k}=${map?.[k] ?? ""}`]).map(([l, v]) => [l, v]);
}

function common(obj: KubeObject): Line[] {
  return [
    ["Name", obj.metadata.name ?? ""],
    ...(obj.metadata.namespace !== undefined ? [["Namespace", obj.metadata.namespace] as Line] : []),
    ...mapLines("Labels", obj.metadata.labels),
    ...mapLines("Annotations", obj.metadata.annotations),
  ];
}

function conditions(list: { type: string; status: string; reason?: string }[] | undefined): string {
  if (!list || list.length === 0) return "Conditions:  <none>\n";
  const rows = [["Type", "Status", "Reason"], ...list.map((c) => [c.type, c.status, c.reason ?? ""])];
  return `Conditions:\n${formatTable(rows)
    .split("\n")
    .filter((l) => l)
    .map((l) => `  ${l.trimEnd()}\n`)
    .join("")}`;
}

/** A Service, with the addresses of its Endpoints object (when there is one). */
export function describeService(svc: Service, endpoints: Endpoints | undefined): string {
  const lines: Line[] = [
    ...common(svc),
    ["Selector", labelsString(svc.spec.selector)],
    ["Type", svc.spec.type ?? "ClusterIP"],
    ["IP", svc.spec.clusterIP || "<none>"],
  ];
  if (svc.spec.externalName) lines.push(["External Name", svc.spec.externalName]);
  for (const p of svc.spec.ports ?? []) {
    lines.push(["Port", `${p.name ?? "<unset>"}  ${p.port}/${p.protocol ?? "TCP"}`]);
    lines.push(["TargetPort", `${p.targetPort ?? p.port}/${p.protocol ?? "TCP"}`]);
  }
  lines.push(["Endpoints", endpoints ? endpointsString(endpoints) : "<none>"]);
  return block(lines);
}

/** A Pod: its IP, phase and conditions. */
export function describePod(pod: Pod): string {
  const ips = pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
  return (
    block([
      ...common(pod),
      ["Node", pod.spec.nodeName ?? "<none>"],
      ["Status", pod.status?.phase ?? "Pending"],
      ["IP", pod.status?.podIP ?? "<none>"],
      ["IPs", ips.length ? ips.join(",") : "<none>"],
    ]) + conditions(pod.status?.conditions)
  );
}

/** A DNSRecord: its host, a table of paths and its conditions. */
export function describeDNSRecord(rec: DNSRecord): string {
  const lines = block([
    ...common(rec),
    ["Host", rec.spec.host],
    ["Gateway Address", rec.status?.gatewayAddress ?? "<none>"],
  ]);
  const rows = [
    ["Path", "Service", "Address", "Port"],
    ...(rec.spec.paths ?? []).map((p) => [p.path, p.service ?? "", p.address ?? "", String(p.port)]),
  ];
  const paths = `Paths:\n${formatTable(rows)
    .split("\n")
    .filter((l) => l)
    .map((l) => `  ${l.trimEnd()}\n`)
    .join("")}`;
  return lines + paths + conditions(rec.status?.conditions);
}

/** Any other kind: its metadata. */
export function describeGeneric(obj: KubeObject): string {
  return block(common(obj));
}
