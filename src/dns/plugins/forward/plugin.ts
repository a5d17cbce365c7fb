/**
 * The forward plugin: sends what no one above answered to the upstream resolvers. UDP first, TCP
 * when the answer is truncated; on a timeout or error the next upstream; SERVFAIL once all fail,
 * within a bounded time. Identical questions in flight share one upstream exchange (the one place
 * kdns coalesces), and each client gets the shared answer with its own ID and question case.
 */
import { randomFillSync } from "node:crypto";
import type { Registry } from "prom-client";
import { formatHostPort } from "../../../machinery/host-port.ts";
import type { DnsPlugin, DnsReply, DnsRequest, Next, PluginNote } from "../../plugin.ts";
import { HEADER_LENGTH, RCODE } from "../../wire/constants.ts";
import type { ParsedQuery } from "../../wire/query.ts";
import { udpLimit, writeAnswer } from "../../wire/response.ts";
import { type ExchangeResult, exchangeTcp, exchangeUdp, type OutgoingQuery, type Upstream } from "./exchange.ts";
import { ForwardMetrics } from "./metrics.ts";
import { assertNoLoop, UpstreamSet } from "./upstreams.ts";

/** Settings of {@link ForwardPlugin}. */
export interface ForwardOptions {
  /** Resolvers to forward to, tried in this order while healthy. */
  upstreams: Upstream[];
  /** Per upstream try, UDP plus a TCP retry (default 2000 ms). */
  timeoutMs?: number;
  /** Where this server listens: an upstream equal to one of them is refused (a forwarding loop). */
  selfAddresses?: Upstream[];
  /** Count exchanges and failures with CoreDNS's forward metrics (default: not counted). */
  metrics?: Registry;
  /** Hears each time an upstream is marked down (it failed) or up again (it answered). */
  onHealthChange?: (up: Upstream, healthy: boolean) => void;
}

/** However many upstreams there are, a client waits no longer than this for SERVFAIL. */
export const MAX_FORWARD_MS = 5000;

/** An upstream's answer (with the upstream it came from), or every upstream failed. */
type Outcome = (Extract<ExchangeResult, { type: "answer" }> & { upstream: Upstream }) | { type: "fail" };

const SERVFAIL: DnsReply = { type: "answer", rcode: RCODE.SERVFAIL, authoritative: false, sections: undefined };

const ids = new Uint16Array(1024);
let idNext = ids.length;
/** A random query ID (RFC 5452 §9.2), from a pool refilled from the CSPRNG. */
function randomId(): number {
  if (idNext === ids.length) {
    randomFillSync(ids);
    idNext = 0;
  }
  return ids[idNext++]!;
}

/** Questions that may share an upstream answer: same name (any case), type, class and EDNS bits. */
function coalesceKey(q: ParsedQuery): string {
  const edns = q.edns ? (q.edns.dnssecOk ? "D" : "E") : "-";
  return `${q.name}|${q.qtype}|${q.qclass}|${edns}${q.checkingDisabled ? "C" : "-"}${q.recursionDesired ? "R" : "-"}`;
}

/** Forwards to upstream resolvers; the end of the chain. */
export class ForwardPlugin implements DnsPlugin {
  readonly name = "forward";
  readonly #upstreams: UpstreamSet;
  readonly #timeoutMs: number;
  readonly #inflight = new Map<string, Promise<Outcome>>();
  readonly #closing = new AbortController();
  readonly #configured: readonly Upstream[];
  readonly #metrics: ForwardMetrics | undefined;

  /** Throws on an empty upstream list or a forwarding loop. */
  constructor(options: ForwardOptions) {
    assertNoLoop(options.upstreams, options.selfAddresses ?? []);
    this.#configured = options.upstreams.map((u) => ({ host: u.host, port: u.port }));
    this.#upstreams = new UpstreamSet(this.#configured, options.onHealthChange);
    this.#metrics = options.metrics ? new ForwardMetrics(options.metrics, this.#configured) : undefined;
    this.#timeoutMs = options.timeoutMs ?? 2000;
    if (!(this.#timeoutMs > 0)) throw new Error(`forward: timeoutMs must be positive, got ${options.timeoutMs}`);
  }

  /** Upstreams in the order the next query tries them. */
  upstreamOrder(): readonly Upstream[] {
    return this.#upstreams.order();
  }

  /**
   * Stops forwarding to `up` for good: it sends queries back to this server (a forwarding loop,
   * found by the loop plugin). With no upstream left every forwarded query gets SERVFAIL at once.
   * False when `up` is not an upstream or was already marked.
   */
  markLooped(up: Upstream): boolean {
    return this.#upstreams.markLooped(up);
  }

  serve(req: DnsRequest, _next: Next): Promise<DnsReply> {
    const key = coalesceKey(req.query);
    let shared = this.#inflight.get(key);
    if (!shared) {
      const started = this.#exchange(req);
      shared = started;
      this.#inflight.set(key, started);
      void started.finally(() => {
        if (this.#inflight.get(key) === started) this.#inflight.delete(key);
      });
    }
    const told = req.onUpstream;
    if (told === undefined) return shared.then((outcome) => this.#reply(req, outcome));
    return shared.then((outcome) => {
      if (outcome.type !== "fail") told(formatHostPort(outcome.upstream));
      return this.#reply(req, outcome);
    });
  }

  explain(_req: DnsRequest): PluginNote {
    const order = this.#upstreams.order().map(formatHostPort);
    const looped = this.#configured.map(formatHostPort).filter((u) => !order.includes(u));
    const reasons = [
      order.length
        ? `forwarded to the upstream resolvers, tried in this order: ${order.join(", ")}`
        : "no upstream left to forward to: SERVFAIL",
    ];
    if (looped.length) reasons.push(`not forwarded to ${looped.join(", ")}: they loop back to this server`);
    return { plugin: "forward", verdict: "answers", reasons, upstreams: order };
  }

  async close(): Promise<void> {
    this.#closing.abort(new Error("forward plugin closed"));
  }

  async #exchange(req: DnsRequest): Promise<Outcome> {
    const order = this.#upstreams.order();
    const deadline = Date.now() + Math.min(this.#timeoutMs * order.length, MAX_FORWARD_MS);
    const signal = this.#closing.signal;
    let fallback: Outcome = { type: "fail" };
    let failures = 0;
    for (const up of order) {
      const tryEnd = Math.min(Date.now() + this.#timeoutMs, deadline);
      if (tryEnd <= Date.now() || signal.aborted) break;
      const query = outgoing(req);
      const started = performance.now();
      let result = await exchangeUdp(up, query, tryEnd - Date.now(), signal);
      if (result.type === "answer" && result.layout.truncated) {
        result = tryEnd > Date.now() ? await exchangeTcp(up, query, tryEnd - Date.now(), signal) : { type: "timeout" };
      }
      const which = this.#configured.indexOf(up);
      if (result.type !== "answer") {
        if (!signal.aborted) {
          this.#upstreams.report(up, false);
          this.#metrics?.failed(which);
          if (++failures === order.length) this.#metrics?.allFailed();
        }
        continue;
      }
      this.#upstreams.report(up, true);
      this.#metrics?.exchanged(which, result.layout.rcode, (performance.now() - started) / 1000);
      // A resolver that cannot or will not answer: another one may (CoreDNS forward does the same).
      const rcode = result.layout.rcode;
      if (rcode === RCODE.SERVFAIL || rcode === RCODE.REFUSED) {
        fallback = { ...result, upstream: up };
        continue;
      }
      return { ...result, upstream: up };
    }
    return fallback;
  }

  /** The shared answer made the client's own: its ID and question bytes, and its UDP size. */
  #reply(req: DnsRequest, outcome: Outcome): DnsReply {
    if (outcome.type === "fail") return SERVFAIL;
    const limit = req.transport === "udp" ? udpLimit(req.query.edns) : 65535;
    if (outcome.bytes.length > limit) {
      const flags = outcome.layout.flags;
      const bytes = writeAnswer(
        req.msg,
        req.query,
        {
          rcode: outcome.layout.rcode,
          authoritative: (flags & 0x0400) !== 0,
          recursionAvailable: (flags & 0x0080) !== 0,
          truncated: true,
        },
        undefined,
        limit,
      );
      return { type: "raw", bytes };
    }
    const bytes = Buffer.from(outcome.bytes);
    bytes[0] = req.msg[0]!;
    bytes[1] = req.msg[1]!;
    req.msg.copy(bytes, HEADER_LENGTH, HEADER_LENGTH, req.query.questionEnd);
    return { type: "raw", bytes };
  }
}

/** The client's query with a fresh ID. */
function outgoing(req: DnsRequest): OutgoingQuery {
  const bytes = Buffer.from(req.msg);
  const id = randomId();
  bytes.writeUInt16BE(id, 0);
  return { bytes, id, questionEnd: req.query.questionEnd };
}
