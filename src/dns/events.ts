/**
 * Events about the DNS server's own troubles: a forwarding loop found, an upstream that stopped or
 * started answering again. CoreDNS records no Events, and these concern no object of their own,
 * so they are reported on the Service clusters give their DNS, `kube-system/kube-dns` (its name in
 * kubeadm and CoreDNS's own manifests; `kdns up` makes it), where an operator looking into cluster
 * DNS looks: `kubectl describe svc kube-dns -n kube-system`, or `kubectl get events -n kube-system
 * --field-selector involvedObject.name=kube-dns`. They name the Service without its uid; the
 * recorder adds the uid the API holds for it when it writes them (none when it does not exist).
 */
import type { EventObject, EventSink } from "../client/event-recorder.ts";
import { formatHostPort, type HostPort } from "../machinery/host-port.ts";

/** The object DNS Events are about. */
export const DNS_EVENT_OBJECT = {
  apiVersion: "v1",
  kind: "Service",
  namespace: "kube-system",
  name: "kube-dns",
} as const satisfies EventObject;

/** The reports the DNS server makes, each one line. */
export class DnsEvents {
  readonly #sink: EventSink;

  constructor(sink: EventSink) {
    this.#sink = sink;
  }

  /** An upstream forwards queries back to this server (`how` says what the probe saw). */
  forwardingLoop(upstream: HostPort, how: string): void {
    this.#sink.event(
      DNS_EVENT_OBJECT,
      "Warning",
      "ForwardingLoop",
      `forwarding loop through upstream ${formatHostPort(upstream)}: ${how}; kdns does not forward to it`,
    );
  }

  /** An upstream failed (marked down: tried last) or answered again after failing. */
  upstreamHealth(upstream: HostPort, healthy: boolean): void {
    const at = formatHostPort(upstream);
    if (healthy) this.#sink.event(DNS_EVENT_OBJECT, "Normal", "UpstreamUp", `upstream ${at} answers again`);
    else
      this.#sink.event(
        DNS_EVENT_OBJECT,
        "Warning",
        "UpstreamDown",
        `upstream ${at} did not answer; it is tried after the others until it answers again`,
      );
  }
}
