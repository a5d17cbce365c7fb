/**
 * The DNS server's Prometheus families, named, labelled and bucketed as CoreDNS's code has them
 * (metrics/vars), so CoreDNS dashboards and the coredns-mixin alerts read kdns unchanged. One
 * server block (`zone` "."), no views. Counting a query is a few typed-array adds: the label
 * values are indexes worked out from the query and the response bytes.
 */
import type { Registry } from "prom-client";
import { exponentialBuckets, IndexedCounter, IndexedHistogram } from "../machinery/fast-metrics.ts";
import type { DnsServerLabels } from "./metric-labels.ts";
import type { DnsPlugin } from "./plugin.ts";
import type { QueryObserver } from "./server/handler.ts";

/** Query types CoreDNS names in `type`; anything else is `other` (metrics/vars/report.go). */
const TYPE_NAMES: Record<number, string> = {
  1: "A",
  28: "AAAA",
  5: "CNAME",
  48: "DNSKEY",
  43: "DS",
  15: "MX",
  50: "NSEC3",
  47: "NSEC",
  2: "NS",
  12: "PTR",
  46: "RRSIG",
  6: "SOA",
  33: "SRV",
  16: "TXT",
  65: "HTTPS",
  64: "SVCB",
  251: "IXFR",
  252: "AXFR",
  255: "ANY",
};
const TYPES = [...Object.values(TYPE_NAMES), "other"];
const TYPE_INDEX = new Uint8Array(256).fill(TYPES.length - 1);
for (const [code, name] of Object.entries(TYPE_NAMES)) TYPE_INDEX[Number(code)] = TYPES.indexOf(name);

/** Header rcodes by name (miekg/dns RcodeToString); unassigned ones as their number. */
const RCODES = [
  "NOERROR",
  "FORMERR",
  "SERVFAIL",
  "NXDOMAIN",
  "NOTIMP",
  "REFUSED",
  "YXDOMAIN",
  "YXRRSET",
  "NXRRSET",
  "NOTAUTH",
  "NOTZONE",
  "11",
  "12",
  "13",
  "14",
  "15",
];

/** CoreDNS's duration buckets: 0.25 ms doubling to 8.192 s. */
const DURATION_BUCKETS = exponentialBuckets(0.00025, 2, 16);
/** CoreDNS's size buckets (8291, not 8191, as its code has it). */
const SIZE_BUCKETS = [0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16e3, 32e3, 48e3, 64e3];

/** The server's families, registered in one registry. */
export class DnsMetrics implements QueryObserver {
  readonly #requests: IndexedCounter;
  readonly #responses: IndexedCounter;
  readonly #duration: IndexedHistogram;
  readonly #requestSize: IndexedHistogram;
  readonly #responseSize: IndexedHistogram;
  readonly #doRequests: IndexedCounter;
  readonly #panics: IndexedCounter;
  readonly #memoHits: IndexedCounter;
  readonly #plugins: readonly DnsPlugin[];

  /** `plugins` in chain order; `server` is read at each scrape. */
  constructor(registry: Registry, server: DnsServerLabels, plugins: readonly DnsPlugin[]) {
    const base = () => ({ server: server.server, zone: ".", view: server.view });
    this.#plugins = plugins;
    const names = plugins.map((p) => p.name);
    const proto: [string, string[]] = ["proto", ["udp", "tcp"]];
    this.#requests = new IndexedCounter(
      "coredns_dns_requests_total",
      "Counter of DNS requests made per zone, protocol and family.",
      {
        fixed: base,
        dims: [proto, ["family", ["1", "2"]], ["type", TYPES]],
      },
    ).registerIn(registry);
    this.#responses = new IndexedCounter("coredns_dns_responses_total", "Counter of response status codes.", {
      fixed: base,
      dims: [
        ["rcode", RCODES],
        ["plugin", [...names, ""]],
      ],
    }).registerIn(registry);
    this.#duration = new IndexedHistogram(
      "coredns_dns_request_duration_seconds",
      "Histogram of the time (in seconds) each request took per zone.",
      DURATION_BUCKETS,
      { fixed: base },
    ).registerIn(registry);
    this.#requestSize = new IndexedHistogram(
      "coredns_dns_request_size_bytes",
      "Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.",
      SIZE_BUCKETS,
      { fixed: base, dims: [proto] },
    ).registerIn(registry);
    this.#responseSize = new IndexedHistogram(
      "coredns_dns_response_size_bytes",
      "Size of the returned response in bytes.",
      SIZE_BUCKETS,
      { fixed: base, dims: [proto] },
    ).registerIn(registry);
    this.#doRequests = new IndexedCounter(
      "coredns_dns_do_requests_total",
      "Counter of DNS requests with DO bit set per zone.",
      {
        fixed: base,
      },
    ).registerIn(registry);
    this.#panics = new IndexedCounter("coredns_panics_total", "A metrics that counts the number of panics.").registerIn(
      registry,
    );
    this.#memoHits = new IndexedCounter(
      "kdns_dns_response_memo_hits_total",
      "UDP responses sent from the response memo, without parsing or running the plugin chain.",
    ).registerIn(registry);
    const enabled = new IndexedCounter(
      "coredns_plugin_enabled",
      "A metric that indicates whether a plugin is enabled on per server and zone basis.",
      { fixed: base, dims: [["name", names]] },
      "gauge",
    )
      .maxOverWorkers()
      .registerIn(registry);
    for (let i = 0; i < names.length; i++) enabled.set(i, 1);
  }

  /** Counts one answered query (see QueryObserver); the rcode is read from the response header. */
  observe(
    udp: boolean,
    clientAddress: string,
    _clientPort: number,
    qtype: number,
    dnssecOk: boolean,
    plugin: number,
    request: Buffer,
    response: Buffer,
    seconds: number,
    fromMemo: boolean,
  ): void {
    const proto = udp ? 0 : 1;
    const type = qtype < 256 ? TYPE_INDEX[qtype]! : TYPES.length - 1;
    this.#requests.inc(this.#requests.index(proto, clientAddress.includes(":") ? 1 : 0, type));
    this.#responses.inc(this.#responses.index(response[3]! & 0x0f, plugin));
    this.#duration.observe(0, seconds);
    this.#requestSize.observe(proto, request.length);
    this.#responseSize.observe(proto, response.length);
    if (dnssecOk) this.#doRequests.inc();
    if (fromMemo) {
      this.#memoHits.inc();
      this.#plugins[plugin]?.servedFromMemo?.(response);
    }
  }

  /** Counts a plugin fault that became a SERVFAIL (CoreDNS counts recovered panics). */
  recordPanic(): void {
    this.#panics.inc();
  }
}
