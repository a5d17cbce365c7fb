/**
 * The DNS server's public surface: {@link startDns} builds the plugin chain, refuses an upstream
 * that is this server, starts the UDP/TCP listeners and every plugin's watches, and probes for
 * forwarding loops. `kdns up`, `kdns dns`, the tests and the benchmarks all start DNS here (as
 * CoreDNS keeps its embeddable server apart from its command).
 */
import { collectOnFirstReady } from "../machinery/collect-after-load.ts";
import { formatHostPort, type HostPort } from "../machinery/host-port.ts";
import { logger } from "../machinery/log.ts";
import { buildChain } from "./chain.ts";
import { DnsEvents } from "./events.ts";
import { type DnsExplainResult, type DnsQuestion, explainDns } from "./explain/index.ts";
import { checkLoopsAtStart } from "./loop-check.ts";
import type { DnsServerLabels } from "./metric-labels.ts";
import { DnsMetrics } from "./metrics.ts";
import { DNS_DEFAULTS, type DnsOptions } from "./options.ts";
import { QueryFeed } from "./query-feed.ts";
import { QueryLog } from "./query-log.ts";
import { allOf } from "./server/handler.ts";
import { createHandler, startDnsServer } from "./server/index.ts";

export { BadQuestionError, type DnsExplainResult, type DnsQuestion } from "./explain/index.ts";
export { ForwardingLoopError } from "./loop-check.ts";
export { DNS_DEFAULTS, type DnsOptions, POD_MODES, type PodMode } from "./options.ts";
export type { QueryBatch, QueryEvent } from "./query-feed.ts";

/** A running DNS server. */
export interface RunningDns {
  /** Where UDP and TCP listen (the port actually bound). */
  address: HostPort;
  /** True once every plugin has synced (CoreDNS's ready plugin). */
  ready(): boolean;
  /** Stops listening, the watches and the probes; resolves when all are closed. */
  close(): Promise<void>;
  /** Asks the running chain `question` and says why it answers as it does; `pod`: as that pod's resolver would. */
  explain(question: DnsQuestion, pod?: { namespace: string }): Promise<DnsExplainResult>;
  /** The live stream of answered queries (free while nobody watches). */
  queries: Pick<QueryFeed, "watch">;
}

/**
 * Starts DNS; aborting `signal` stops it as {@link RunningDns.close} does. Rejects with one line
 * (a taken port, a forwarding loop, a bad setting), leaving nothing running.
 */
export async function startDns(options: DnsOptions, signal?: AbortSignal): Promise<RunningDns> {
  const log = logger("dns");
  const listen = options.listen ?? DNS_DEFAULTS.listen;
  // Read by every metric family at scrape time; the server label gets the bound port below.
  const labels: DnsServerLabels = { server: `dns://${formatHostPort(listen)}`, view: "" };
  const built = buildChain({
    source: options.source,
    ...(options.informers ? { informers: options.informers } : {}),
    ...(options.informerMetrics ? { informerMetrics: options.informerMetrics } : {}),
    listen,
    clusterDomain: options.clusterDomain ?? DNS_DEFAULTS.clusterDomain,
    upstream: options.upstream ?? [],
    ttl: options.ttl ?? DNS_DEFAULTS.ttl,
    pods: options.pods ?? DNS_DEFAULTS.pods,
    allowRecursion: options.allowRecursion ?? DNS_DEFAULTS.allowRecursion,
    serveStale: options.serveStale ?? DNS_DEFAULTS.serveStale,
    gatewayAddresses: options.gatewayAddresses ?? [],
    ...(options.forwardTimeoutMs !== undefined ? { forwardTimeoutMs: options.forwardTimeoutMs } : {}),
    ...(options.metrics ? { metrics: { registry: options.metrics, labels } } : {}),
    ...(options.events ? { events: new DnsEvents(options.events) } : {}),
  });
  const stop = new AbortController();
  const metrics = options.metrics ? new DnsMetrics(options.metrics, labels, built.plugins) : undefined;
  const write = options.queryLog?.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const queryLog = options.queryLog ? new QueryLog(options.queryLog.sample, write) : undefined;
  const feed = new QueryFeed([...built.plugins.map((p) => p.name), "server"]);
  const observer = allOf([metrics, queryLog, feed].filter((o) => o !== undefined));
  const handler = createHandler(built.next, {
    onError: (err) => {
      metrics?.recordPanic();
      log.error({ err }, "dns plugin failed; answered SERVFAIL");
    },
    observe: { observer, trace: built.trace, server: built.plugins.length },
  });
  let server: Awaited<ReturnType<typeof startDnsServer>>;
  try {
    server = await startDnsServer({
      listen,
      handler,
      ...(options.tcp ? { tcp: options.tcp } : {}),
      ...(options.reusePort ? { reusePort: true } : {}),
    });
  } catch (err) {
    await built.close();
    throw err;
  }
  labels.server = `dns://${formatHostPort(server.address)}`;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      stop.abort();
      signal?.removeEventListener("abort", onAbort);
      await server.close();
      await built.close();
    })();
    return closed;
  };
  const onAbort = (): void => void close();
  built.start(stop.signal);
  try {
    await checkLoopsAtStart(built, log, stop.signal, options.loopCheckWaitMs);
  } catch (err) {
    await close();
    throw err;
  }
  if (signal?.aborted) await close();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const zone = options.clusterDomain ?? DNS_DEFAULTS.clusterDomain;
  return {
    address: server.address,
    ready: collectOnFirstReady(() => built.ready()),
    close,
    explain: (question, pod) => explainDns({ plugins: built.plugins, next: built.next, zone }, question, pod),
    queries: feed,
  };
}
