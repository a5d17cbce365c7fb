/** `kdns describe` text: common metadata, then what matters for each kind (kubectl style). */
import { endpointsString, labelsString } from "../../api/table-columns.ts";
import type { ConfigMap, DNSRecord, Endpoints, KubeObject, Pod, Secret, Service } from "../../api/types.ts";
import { base64ByteLength } from "../../machinery/base64.ts";
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

/** kubectl leaves this one out of Annotations: it is the whole applied manifest (a Secret's data included). */
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

function common(obj: KubeObject): Line[] {
  const { [LAST_APPLIED]: _skipped, ...annotations } = obj.metadata.annotations ?? {};
  return [
    ["Name", obj.metadata.name ?? ""],
    ...(obj.metadata.namespace !== undefined ? [["Namespace", obj.metadata.namespace] as Line] : []),
    ...mapLines("Labels", obj.metadata.labels),
    ...mapLines("Annotations", annotations),
  ];
}

function sortedKeys(map: Record<string, unknown> | undefined): string[] {
  return Object.keys(map ?? {}).sort();
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

/** A DNSRecord: its host, its TLS Secret, a table of paths and its conditions. */
export function describeDNSRecord(rec: DNSRecord): string {
  const tls = rec.spec.tls;
  const lines = block([
    ...common(rec),
    ["Host", rec.spec.host],
    ["TLS Secret", tls?.secretName || "<none>"],
    ...(tls ? [["HTTP Redirect", String(tls.httpRedirect ?? true)] as Line] : []),
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

/** A Secret as kubectl describes it: its type, and each key with the size of its value, never the value. */
export function describeSecret(secret: Secret): string {
  const keys = sortedKeys(secret.data);
  const data =
    keys.length === 0 ? "" : block(keys.map((k): Line => [k, `${base64ByteLength(secret.data?.[k] ?? "")} bytes`]));
  return `${block(common(secret))}\n${block([["Type", secret.type ?? ""]])}\nData\n====\n${data}`;
}

/** A ConfigMap as kubectl describes it: each data value in full, binary values by size. */
export function describeConfigMap(cm: ConfigMap): string {
  const data = sortedKeys(cm.data)
    .map((k) => `${k}:\n----\n${cm.data?.[k] ?? ""}\n`)
    .join("\n");
  const binary = sortedKeys(cm.binaryData)
    .map((k) => `${k}: ${base64ByteLength(cm.binaryData?.[k] ?? "")} bytes\n`)
    .join("");
  return `${block(common(cm))}\nData\n====\n${data}\nBinaryData\n====\n${binary}`;
}

/** Any other kind: its metadata. */
export function describeGeneric(obj: KubeObject): string {
  return block(common(obj));
}
