/**
 * The loop plugin (CoreDNS's `loop`): finds upstreams that forward back to this server, through
 * however many resolvers. It sends each upstream a probe (see probe.ts) the way forward sends a
 * query; if the probe reaches this server, it is answered here at once with a marker record, so it
 * goes round at most once, and the sender learns of the loop from seeing the probe arrive or from
 * the marker in the upstream's answer (when another worker process of this instance got it).
 * It sits first in the chain so a probe is caught before anything could forward it again.
 */
import type { DnsPlugin, DnsReply, DnsRequest, Next, PluginNote } from "../../plugin.ts";
import { RCODE } from "../../wire/constants.ts";
import { encodeSections } from "../../wire/records.ts";
import { answeredByUs, makeProbe, PROBE_MARKER, type ProbeQuery, probeOwner } from "./probe.ts";

/** An upstream resolver (same shape as forward's). */
export interface LoopUpstream {
  host: string;
  port: number;
}

/** How one probe exchange ended (the forward path's exchange result, structurally). */
export type ProbeExchangeResult =
  | { type: "answer"; bytes: Buffer }
  | { type: "timeout" }
  | { type: "error"; error: unknown };

/** Sends one query to one upstream and waits for its matching answer (forward's `exchangeUdp`). */
export type ProbeExchange = (
  up: LoopUpstream,
  query: ProbeQuery,
  timeoutMs: number,
  signal: AbortSignal,
) => Promise<ProbeExchangeResult>;

/** What a probe of one upstream found. */
export type ProbeOutcome =
  | { type: "loop"; upstream: LoopUpstream; how: string }
  | { type: "clear"; upstream: LoopUpstream }
  | { type: "unknown"; upstream: LoopUpstream; reason: string };

/** Settings of {@link LoopPlugin}. */
export interface LoopOptions {
  upstreams: readonly LoopUpstream[];
  exchange: ProbeExchange;
  /** Names this instance in probes (see token.ts). */
  token: string;
  /** Called once per upstream found looping (the wiring stops forwarding to it and logs). */
  onLoop: (outcome: Extract<ProbeOutcome, { type: "loop" }>) => void;
  /** How long one probe waits for the upstream (default 2000 ms). */
  timeoutMs?: number;
}

const MARKER_ANSWER = encodeSections([{ owner: 12, ttl: 0, data: { type: "HINFO", cpu: "kdns", os: PROBE_MARKER } }]);
const MARKER_REPLY: DnsReply = { type: "answer", rcode: RCODE.NOERROR, authoritative: false, sections: MARKER_ANSWER };

/** Recognises its own probes; `probe()` checks every upstream. */
export class LoopPlugin implements DnsPlugin {
  readonly name = "loop";
  readonly #options: LoopOptions;
  readonly #timeoutMs: number;
  /** Probes in flight by question key: how to end each one as a loop when it arrives here. */
  readonly #pending = new Map<string, () => void>();
  readonly #looped = new Set<string>();
  readonly #closing = new AbortController();

  constructor(options: LoopOptions) {
    this.#options = options;
    this.#timeoutMs = options.timeoutMs ?? 2000;
    if (!(this.#timeoutMs > 0)) throw new Error(`loop: timeoutMs must be positive, got ${options.timeoutMs}`);
  }

  explain(req: DnsRequest): PluginNote {
    return probeOwner(req.query.key, this.#options.token) === "mine"
      ? { plugin: "loop", verdict: "answers", reasons: ["this is this server's own forwarding-loop probe"] }
      : { plugin: "loop", verdict: "passes", reasons: ["not a forwarding-loop probe"] };
  }

  serve(req: DnsRequest, next: Next): DnsReply | Promise<DnsReply> {
    const key = req.query.key;
    const owner = probeOwner(key, this.#options.token);
    if (owner !== "mine") return next(req);
    this.#pending.get(key)?.();
    return MARKER_REPLY;
  }

  /** Probes every upstream not yet found looping, at once; resolves when each has an outcome. */
  probe(signal?: AbortSignal): Promise<ProbeOutcome[]> {
    const todo = this.#options.upstreams.filter((up) => !this.#looped.has(id(up)));
    return Promise.all(todo.map((up) => this.#probeOne(up, signal)));
  }

  async close(): Promise<void> {
    this.#closing.abort(new Error("loop plugin closed"));
  }

  async #probeOne(up: LoopUpstream, outer: AbortSignal | undefined): Promise<ProbeOutcome> {
    const query = makeProbe(this.#options.token);
    const stop = new AbortController();
    const signals = outer ? [this.#closing.signal, outer, stop.signal] : [this.#closing.signal, stop.signal];
    const signal = AbortSignal.any(signals);
    let seenHere = false;
    this.#pending.set(query.key, () => {
      seenHere = true;
      stop.abort(new Error("probe came back"));
    });
    let outcome: ProbeOutcome;
    try {
      const result = await this.#options.exchange(up, query, this.#timeoutMs, signal);
      if (seenHere) outcome = { type: "loop", upstream: up, how: "the probe query came back to this server" };
      else if (result.type === "answer" && answeredByUs(result.bytes)) {
        outcome = { type: "loop", upstream: up, how: "this server answered the probe query sent to it" };
      } else if (result.type === "answer") outcome = { type: "clear", upstream: up };
      else
        outcome = {
          type: "unknown",
          upstream: up,
          reason: result.type === "timeout" ? "no answer in time" : String(result.error),
        };
    } finally {
      this.#pending.delete(query.key);
    }
    if (outcome.type === "loop" && !this.#looped.has(id(up))) {
      this.#looped.add(id(up));
      this.#options.onLoop(outcome);
    }
    return outcome;
  }
}

const id = (up: LoopUpstream): string => `${up.host}|${up.port}`;
