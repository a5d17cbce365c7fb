/**
 * The kubernetes plugin's account of a question (`kdns explain dns`): which Service, Endpoints or
 * pod the answer comes from, and for a name that does not exist the nearest thing that does. The
 * outcome itself is {@link resolve}'s, the function that answers queries; this only puts words
 * and object names to it, from the same stripped objects.
 */
import { closest } from "../../../machinery/closest.ts";
import type { PluginNote } from "../../plugin.ts";
import { RCODE } from "../../wire/constants.ts";
import type { EndpointsInfo, ServiceInfo } from "./model.ts";
import { ipFromDashed } from "./names.ts";
import type { ClusterZoneConfig, Resolution } from "./resolve.ts";

/** What the explanation reads: the plugin's caches and the outcome of resolve(). */
export interface ClusterView {
  cfg: ClusterZoneConfig;
  services(): Iterable<ServiceInfo>;
  service(namespace: string, name: string): ServiceInfo | undefined;
  endpoints(namespace: string, name: string): EndpointsInfo | undefined;
  hasPod(namespace: string, ip: string): boolean;
  /** `namespace/name` of the Services publishing a PTR for a reverse name. */
  pointerOwners(name: string): string[];
}

/** `80/tcp (http)` for each port. */
function portsText(svc: ServiceInfo): string {
  if (svc.ports.length === 0) return "no ports";
  return svc.ports.map((p) => `${p.port}/${p.protocol}${p.name ? ` (${p.name})` : ""}`).join(", ");
}

/** The ready endpoint addresses, `10.1.0.5 (web-0)`. */
function readyText(eps: EndpointsInfo | undefined): string[] {
  return (eps?.subsets ?? []).flatMap((s) => s.addresses.map((a) => (a.hostname ? `${a.ip} (${a.hostname})` : a.ip)));
}

/** Sentences describing a Service as DNS sees it. */
function describeService(svc: ServiceInfo, eps: EndpointsInfo | undefined): string[] {
  const id = `${svc.namespace}/${svc.name}`;
  if (svc.kind === "external-name") return [`Service ${id} is ExternalName: a CNAME to ${svc.externalName}`];
  const ready = readyText(eps);
  const lines = [
    svc.kind === "cluster-ip"
      ? `Service ${id} is ClusterIP ${svc.clusterIPs.join(", ")}, ports ${portsText(svc)}`
      : `Service ${id} is headless (answers are its ready endpoints), ports ${portsText(svc)}`,
  ];
  if (ready.length) lines.push(`ready endpoints: ${ready.join(", ")}`);
  else lines.push("the service exists but has no ready endpoints");
  return lines;
}

function note(verdict: PluginNote["verdict"], reasons: string[], extra: Partial<PluginNote> = {}): PluginNote {
  return { plugin: "kubernetes", verdict, reasons, ...extra };
}

/** The outcome in words: NXDOMAIN, NODATA or the records. */
function outcomeText(r: Resolution): string {
  if (r.type !== "answer") return "";
  if (r.rcode === RCODE.NXDOMAIN) return "the name does not exist (NXDOMAIN)";
  if (r.answers.length === 0) return "the name exists but has no records of this type (NODATA)";
  return `${r.answers.length} record${r.answers.length === 1 ? "" : "s"}`;
}

/** Why a Service name (or a name below one) answers as it does. */
function explainServiceName(view: ClusterView, labels: string[], r: Resolution): PluginNote {
  const [svcName, ns] = [labels[labels.length - 2]!, labels[labels.length - 1]!];
  const svc = view.service(ns, svcName);
  if (!svc) {
    const inNamespace = [...view.services()].filter((s) => s.namespace === ns).map((s) => s.name);
    if (inNamespace.length === 0) {
      const namespaces = new Set([...view.services()].map((s) => s.namespace));
      const suggestion = closest(ns, namespaces);
      return note("answers", [`namespace ${ns} has no services`, outcomeText(r)], {
        ...(suggestion ? { suggestion: `did you mean namespace \`${suggestion}\`?` } : {}),
      });
    }
    const suggestion = closest(svcName, inNamespace);
    return note("answers", [`namespace ${ns} has no service \`${svcName}\``, outcomeText(r)], {
      ...(suggestion ? { suggestion: `did you mean \`${suggestion}\`?` } : {}),
    });
  }
  const eps = view.endpoints(ns, svcName);
  const objects = [
    `Service ${ns}/${svcName}`,
    ...(eps && svc.kind === "headless" ? [`Endpoints ${ns}/${svcName}`] : []),
  ];
  const reasons = describeService(svc, eps);
  const below = labels.slice(0, -2);
  let suggestion: string | undefined;
  if (below.length === 1 && r.type === "answer" && r.rcode === RCODE.NXDOMAIN) {
    const hostnames = (eps?.subsets ?? []).flatMap((s) => s.addresses.map((a) => a.hostname).filter(Boolean));
    reasons.push(`the service has no ready endpoint named \`${below[0]}\``);
    const near = closest(below[0]!, hostnames);
    if (near) suggestion = `did you mean \`${near}\`?`;
  } else if (below.length >= 1 && below[0]!.startsWith("_") && r.type === "answer" && r.answers.length === 0) {
    const named = svc.ports.filter((p) => p.name).map((p) => `_${p.name}._${p.protocol}`);
    reasons.push(`SRV names are _<port name>._<protocol>; this service has ${named.join(", ") || "no named ports"}`);
    const near = closest(below.slice(0, 2).join("."), named);
    if (near) suggestion = `did you mean \`${near}\`?`;
  }
  if (r.type === "chase")
    reasons.push(`the CNAME target ${r.target} is outside the zone: asked of the rest of the chain`);
  else reasons.push(outcomeText(r));
  return note("answers", reasons, { objects, ...(suggestion ? { suggestion } : {}) });
}

/** Why a pod name answers as it does (CoreDNS `pods disabled|insecure|verified`). */
function explainPodName(view: ClusterView, label: string, ns: string, r: Resolution): PluginNote {
  const mode = view.cfg.pods;
  if (mode === "disabled") return note("answers", ["pod names are not answered (--pods disabled)", outcomeText(r)]);
  const ip = ipFromDashed(label);
  if (!ip) return note("answers", [`\`${label}\` is not an IP address with dashes`, outcomeText(r)]);
  if (mode === "verified" && !view.hasPod(ns, ip))
    return note("answers", [
      `pods are answered in verified mode and no pod in namespace ${ns} has IP ${ip}`,
      outcomeText(r),
    ]);
  return note("answers", [
    mode === "verified"
      ? `a pod in namespace ${ns} has IP ${ip} (pods verified)`
      : `pods are answered in insecure mode: the IP is read from the name, no pod is looked up`,
    outcomeText(r),
  ]);
}

/** The plugin's note for a question it was asked; `r` is resolve()'s outcome for it. */
export function explainCluster(view: ClusterView, name: string, r: Resolution, ready: boolean): PluginNote {
  const { zone } = view.cfg;
  const reverse = name.endsWith(".in-addr.arpa") || name.endsWith(".ip6.arpa");
  if (!reverse && !(name === zone || name.endsWith(`.${zone}`)))
    return note("passes", [`${name} is not in the cluster zone ${zone}`]);
  if (!ready)
    return reverse
      ? note("passes", ["the plugin has not synced its Services yet"])
      : note("answers", ["the plugin has not synced its Services yet: SERVFAIL, never a false NXDOMAIN"]);
  if (reverse) {
    const owners = view.pointerOwners(name);
    if (r.type !== "answer") return note("passes", ["no Service has this IP: the reverse name is passed on"]);
    return note("answers", [`the IP belongs to ${owners.map((o) => `Service ${o}`).join(", ")}`, outcomeText(r)], {
      objects: owners.map((o) => `Service ${o}`),
    });
  }
  const labels = name === zone ? [] : name.slice(0, -(zone.length + 1)).split(".");
  const kind = labels[labels.length - 1];
  if (labels.length === 3 && kind === "pod") return explainPodName(view, labels[0]!, labels[1]!, r);
  if (labels.length >= 3 && kind === "svc") return explainServiceName(view, labels.slice(0, -1), r);
  if (labels.length <= 2 && (kind === "svc" || kind === "pod"))
    return note("answers", [`${name} exists for any namespace, with no records (NODATA)`]);
  if (r.type === "answer" && r.rcode === RCODE.NXDOMAIN)
    return note("answers", [
      outcomeText(r),
      `names in ${zone} are <service>.<namespace>.svc.${zone} and <ip-with-dashes>.<namespace>.pod.${zone}`,
    ]);
  return note("answers", [`${name} is one of the zone's own names (SOA, NS, dns-version)`, outcomeText(r)]);
}
