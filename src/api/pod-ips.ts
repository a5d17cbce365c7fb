/** The IPs of a Pod, as Kubernetes reads them (shared by the endpoints controllers and DNS). Pure. */
import type { Pod } from "./types.ts";

/** Every IP of the pod: `status.podIPs`, plus `status.podIP` if not among them. */
export function podIPs(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip) => ip);
  const primary = pod.status?.podIP;
  if (primary && !ips.includes(primary)) ips.unshift(primary);
  return ips;
}
