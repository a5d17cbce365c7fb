/**
 * Events about the DNS server's own troubles: a forwarding loop found, an upstream that stopped or
 * started answering again. CoreDNS records no Events, and these concern no object the API holds,
 * so they are reported on the Service clusters give their DNS, `kube-system/kube-dns` (its name in
 * kubeadm and CoreDNS's own manifests), where an operator looking into cluster DNS looks:
 * `kubectl get events -n kube-system --field-selector involvedObject.name=kube-dns`. They carry no
 * uid, since that Service need not exist.
 */
import type { EventObject, EventSink } from "../client/event-recorder.ts";
import { formatHostPort, type HostPort } from "../machinery/host-port.ts";

/** The object DNS Events are about. */
export const DNS_EVENT_OBJECT: EventObject = {
  apiVersion: "v1",
  kind: "Service",
  namespace: "kube-system",
  name: "kube-dns",
};

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
