/**
 * From bytes in to bytes out: parse, apply the protocol rules every query gets, run the plugin
 * chain, write the answer. Shared by the UDP and TCP listeners.
 */
import type { ChainTrace, DnsReply, DnsRequest, Next } from "../plugin.ts";
import { QTYPE, RCODE } from "../wire/constants.ts";
import { isInternetClass, type ParsedQuery, parseQuery } from "../wire/query.ts";
import { encodeSections } from "../wire/records.ts";
import { type Sections, udpLimit, writeAnswer } from "../wire/response.ts";
import { ResponseMemo } from "./response-memo.ts";

/**
 * Turns one received message into the answer to send (undefined: send nothing). `memoized`, tried
 * first by the UDP listener, gives a remembered response; with `reuse` it is the memo's own buffer
 * (see ResponseMemo.answer), so a memo hit copies nothing.
 */
export type MessageHandler = ((
  msg: Buffer,
  transport: "udp" | "tcp",
  clientAddress: string,
  clientPort?: number,
) => Buffer | undefined | Promise<Buffer | undefined>) & {
  memoized?: (msg: Buffer, clientAddress: string, reuse: boolean, clientPort?: number) => Buffer | undefined;
};

/**
 * Told of every answered query (metrics, the query log). Positional, so the hot path builds no
 * object: `plugin` is the index of the plugin that answered in the chain's list (its length: the
 * server itself), `request` and `response` the bytes received and sent, `seconds` how long it took.
 */
export interface QueryObserver {
  observe(
    udp: boolean,
    clientAddress: string,
    clientPort: number,
    qtype: number,
    dnssecOk: boolean,
    plugin: number,
    request: Buffer,
    response: Buffer,
    seconds: number,
    fromMemo: boolean,
  ): void;
}

/** One observer telling each of `observers` in turn. */
export function allOf(observers: readonly QueryObserver[]): QueryObserver {
  return {
    observe(udp, clientAddress, clientPort, qtype, dnssecOk, plugin, request, response, seconds, fromMemo) {
      for (const o of observers)
        o.observe(udp, clientAddress, clientPort, qtype, dnssecOk, plugin, request, response, seconds, fromMemo);
    },
  };
}

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /** Called with every fault a plugin throws (the client gets SERVFAIL). */
  onError?: (err: unknown) => void;
  /** Whole UDP responses to remember (see ResponseMemo); 0 turns the memo off. Default 10,000. */
  memoEntries?: number;
  /**
   * Told of every answered query; `trace` is the one the chain was built with, and `server` the
   * plugin index meaning "the server answered" (the chain's plugin count).
   */
  observe?: { observer: QueryObserver; trace: ChainTrace; server: number };
}

/** RFC 8482 §4.2: answer ANY with one synthesized HINFO, as CoreDNS's `any` plugin does. */
const anySections: Sections = encodeSections([
  { owner: 12, ttl: 8482, data: { type: "HINFO", cpu: "RFC8482", os: "" } },
]);

/** A query the server answers: parsed, or rejected with an rcode. */
type Query = Exclude<ReturnType<typeof parseQuery>, { type: "drop" }>;

/** Builds the message handler around a plugin chain. */
export function createHandler(chain: Next, options: HandlerOptions = {}): MessageHandler {
  const finish = (msg: Buffer, query: ParsedQuery, reply: DnsReply, limit: number): Buffer | undefined => {
    if (reply.type === "drop") return undefined;
    if (reply.type === "raw") return reply.bytes;
    return writeAnswer(msg, query, reply, reply.sections, limit);
  };
  /** An answer the server writes itself, not authoritative, with `sections` or none. */
  const own = (msg: Buffer, query: Query, rcode: number, limit: number, sections?: Sections): Buffer =>
    writeAnswer(msg, query, { rcode, authoritative: false, recursionAvailable: true }, sections, limit);
  const fail = (msg: Buffer, query: ParsedQuery, limit: number, err: unknown): Buffer => {
    options.onError?.(err);
    return own(msg, query, RCODE.SERVFAIL, limit);
  };
  const memo = options.memoEntries === 0 ? undefined : new ResponseMemo(options.memoEntries);
  const respond = (
    msg: Buffer,
    query: Query,
    transport: "udp" | "tcp",
    clientAddress: string,
  ): Buffer | undefined | Promise<Buffer | undefined> => {
    const limit = transport === "udp" ? udpLimit(query.edns) : 65535;
    if (query.type === "reject") {
      return own(msg, query, query.rcode, limit);
    }
    if (!isInternetClass(query)) {
      return own(msg, query, RCODE.REFUSED, limit);
    }
    if (query.qtype === QTYPE.ANY) {
      return own(msg, query, RCODE.NOERROR, limit, anySections);
    }
    if (query.qtype === QTYPE.AXFR || query.qtype === QTYPE.IXFR) {
      return own(msg, query, RCODE.REFUSED, limit);
    }
    const req: DnsRequest = { msg, query, transport, clientAddress };
    let reply: DnsReply | Promise<DnsReply>;
    try {
      reply = chain(req);
    } catch (err) {
      return fail(msg, query, limit, err);
    }
    if (!(reply instanceof Promise)) {
      const out = finish(msg, query, reply, limit);
      if (memo !== undefined && transport === "udp" && out)
        memo.remember(msg, reply, out, {
          qtype: query.qtype,
          dnssecOk: query.edns?.dnssecOk ?? false,
          plugin: options.observe?.trace.reached ?? 0,
        });
      return out;
    }
    return reply.then(
      (r) => finish(msg, query, r, limit),
      (err: unknown) => fail(msg, query, limit, err),
    );
  };
  const counting = options.observe;
  const handler: MessageHandler = counting
    ? (msg, transport, clientAddress, clientPort = 0) => {
        const started = performance.now();
        const query = parseQuery(msg);
        if (query.type === "drop") return undefined;
        counting.trace.reached = counting.server;
        const out = respond(msg, query, transport, clientAddress);
        // Read now: the next query moves it, and a promise settles after other queries ran.
        const plugin = counting.trace.reached;
        const qtype = query.type === "query" ? query.qtype : 0;
        const told = (bytes: Buffer | undefined): Buffer | undefined => {
          if (bytes) {
            const seconds = (performance.now() - started) / 1000;
            const dnssecOk = query.edns?.dnssecOk ?? false;
            const udp = transport === "udp";
            counting.observer.observe(
              udp,
              clientAddress,
              clientPort,
              qtype,
              dnssecOk,
              plugin,
              msg,
              bytes,
              seconds,
              false,
            );
          }
          return bytes;
        };
        return out instanceof Promise ? out.then(told) : told(out);
      }
    : (msg, transport, clientAddress) => {
        const query = parseQuery(msg);
        return query.type === "drop" ? undefined : respond(msg, query, transport, clientAddress);
      };
  if (memo) {
    handler.memoized = counting
      ? (msg, clientAddress, reuse, clientPort = 0) => {
          const started = performance.now();
          const out = memo.answer(msg, clientAddress, reuse);
          const hit = memo.lastHit;
          if (out && hit) {
            const seconds = (performance.now() - started) / 1000;
            const { qtype, dnssecOk, plugin } = hit;
            counting.observer.observe(
              true,
              clientAddress,
              clientPort,
              qtype,
              dnssecOk,
              plugin,
              msg,
              out,
              seconds,
              true,
            );
          }
          return out;
        }
      : (msg, clientAddress, reuse) => memo.answer(msg, clientAddress, reuse);
  }
  return handler;
}
