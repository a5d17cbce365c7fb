/**
 * A Service port's ready backends, read from the Endpoints object the endpoints controller (or a
 * user, for a selector-less Service) writes: pod IP + the resolved target port, as kube-proxy and
 * ingress-nginx route (to pods, not to the cluster IP). The not-ready addresses come along apart,
 * for `kdns explain route` to show; nothing routes to them.
 */
import type { Endpoints, Service } from "../../api/types.ts";
import type { Backend } from "./model.ts";

/** Backends of a service port, or why there are none; `notReady`: the port's not-ready addresses. */
export type ServiceBackends = ({ type: "ok"; backends: Backend[] } | { type: "unavailable"; reason: string }) & {
  notReady?: Backend[];
};

function byAddress(a: Backend, b: Backend): number {
  return a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1;
}

/** Resolves `port` (a Service port number or name) of `service` to the ready addresses of `endpoints`. */
export function serviceBackends(
  id: string,
  port: number | string,
  service: Service | undefined,
  endpoints: Endpoints | undefined,
): ServiceBackends {
  if (!service) return { type: "unavailable", reason: `service ${id} does not exist` };
  const ports = service.spec.ports ?? [];
  const svcPort = ports.find(
    (p) => (typeof port === "number" ? p.port === port : p.name === port) && (p.protocol ?? "TCP") === "TCP",
  );
  if (!svcPort) return { type: "unavailable", reason: `service ${id} has no TCP port ${port}` };
  const wanted = svcPort.name ?? "";
  const seen = new Set<string>();
  const backends: Backend[] = [];
  const notReady: Backend[] = [];
  for (const subset of endpoints?.subsets ?? []) {
    const subsetPorts = subset.ports ?? [];
    // Endpoints ports carry the Service port's name; a single unnamed port matches the only Service port.
    const epPort =
      subsetPorts.find((p) => (p.name ?? "") === wanted && (p.protocol ?? "TCP") === "TCP") ??
      (ports.length === 1 && subsetPorts.length === 1 ? subsetPorts[0] : undefined);
    if (!epPort) continue;
    for (const [list, into] of [
      [subset.addresses, backends],
      [subset.notReadyAddresses, notReady],
    ] as const) {
      for (const addr of list ?? []) {
        const key = `${addr.ip}|${epPort.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        into.push({ ip: addr.ip, port: epPort.port });
      }
    }
  }
  const waiting = notReady.length > 0 ? { notReady: notReady.sort(byAddress) } : {};
  if (backends.length === 0)
    return { type: "unavailable", reason: `service ${id} has no ready endpoints for port ${port}`, ...waiting };
  return { type: "ok", backends: backends.sort(byAddress), ...waiting };
}
