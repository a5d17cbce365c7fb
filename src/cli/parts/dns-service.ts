/**
 * The `kube-system/kube-dns` Service of `kdns up`, as kubeadm's DNS add-on makes it for CoreDNS:
 * the name clusters give their DNS, where DNS's Events go (so `kubectl describe svc kube-dns -n
 * kube-system` lists them) and where an operator looks for cluster DNS. It has no selector (no pod
 * runs kdns's DNS): port 53 over UDP and TCP, aimed at the port DNS listens on, with kubeadm's
 * cluster IP, the tenth address of the service range, when that is free. One that exists (the
 * user's own, or from an earlier start on the same store) is left as it is.
 */
import { resourceByPath } from "../../api/resources.ts";
import type { Service } from "../../api/types.ts";
import { numberToIpv4, parseIpv4Cidr } from "../../apiserver/cluster-ip/cidr.ts";
import { ClientError, type RestClient } from "../../client/rest-client.ts";
import { DNS_EVENT_OBJECT } from "../../dns/events.ts";
import { logger } from "../../machinery/log.ts";

/** kubeadm's DNS cluster IP: the tenth address of an IPv4 service range (none for IPv6 or a tiny range). */
export function dnsClusterIp(serviceCidr: string): string | undefined {
  try {
    const range = parseIpv4Cidr(serviceCidr);
    return range.size > 11 ? numberToIpv4(range.base + 10) : undefined;
  } catch {
    return undefined;
  }
}

/** The Service (pure). */
export function dnsService(dnsPort: number, clusterIP: string | undefined): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      namespace: DNS_EVENT_OBJECT.namespace,
      name: DNS_EVENT_OBJECT.name,
      labels: { "k8s-app": "kube-dns", "kubernetes.io/name": "kdns" },
    },
    spec: {
      ...(clusterIP !== undefined ? { clusterIP } : {}),
      ports: [
        { name: "dns", port: 53, protocol: "UDP", targetPort: dnsPort },
        { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: dnsPort },
      ],
    },
  };
}

/** Creates the Service unless it exists; a failure is logged, never fatal (DNS serves without it). */
export async function ensureDnsService(client: RestClient, serviceCidr: string, dnsPort: number): Promise<void> {
  const services = resourceByPath("", "services");
  if (!services) return;
  const { namespace, name } = DNS_EVENT_OBJECT;
  const create = (ip: string | undefined) => client.create(services, namespace, dnsService(dnsPort, ip));
  const ip = dnsClusterIp(serviceCidr);
  try {
    const exists = await client.get(services, namespace, name).catch((err: unknown) => {
      if (err instanceof ClientError && err.code === 404) return undefined;
      throw err;
    });
    if (exists) return;
    try {
      await create(ip);
    } catch (err) {
      // The tenth address taken by another Service: any free one will do.
      if (!(err instanceof ClientError && err.code === 422 && ip !== undefined)) throw err;
      await create(undefined);
    }
  } catch (err) {
    if (err instanceof ClientError && err.code === 409) return;
    logger("dns").warn({ err: String(err) }, "could not create Service kube-system/kube-dns");
  }
}
