/**
 * One query to one upstream over UDP or TCP. Answers that do not match what was sent (source
 * address, ID, question) are dropped and the wait goes on (RFC 5452 §9.1), so a spoofed or stale
 * datagram cannot end a query early; the only way out is a matching answer, the deadline, or the
 * abort signal.
 */
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { type MessageLayout, readMessage, sameQuestion } from "../../wire/message.ts";

/** An upstream resolver. */
export interface Upstream {
  host: string;
  port: number;
}

/** How one exchange ended. */
export type ExchangeResult =
  | { type: "answer"; bytes: Buffer; layout: MessageLayout }
  | { type: "timeout" }
  | { type: "error"; error: unknown };

/** A query ready to send: its bytes (with the ID chosen for this upstream) and question end. */
export interface OutgoingQuery {
  bytes: Buffer;
  id: number;
  questionEnd: number;
}

/** Checks an upstream's answer against the query; undefined when it is to be dropped. */
export function matchAnswer(query: OutgoingQuery, bytes: Buffer): MessageLayout | undefined {
  const layout = readMessage(bytes);
  if (!layout || layout.id !== query.id) return undefined;
  if (((layout.flags >> 11) & 0xf) !== 0) return undefined;
  return sameQuestion(query.bytes, query.questionEnd, bytes, layout.questionEnd) ? layout : undefined;
}

const sameHost = (a: string, b: string): boolean => a === b || a === `::ffff:${b}` || b === `::ffff:${a}`;

/**
 * The one way an exchange ends: the first of answer, error, timeout or abort settles it, stops the
 * timer and the abort listener, and releases the socket. An already aborted signal settles at once.
 */
function settleOnce(
  resolve: (r: ExchangeResult) => void,
  timeoutMs: number,
  signal: AbortSignal,
  release: () => void,
): (r: ExchangeResult) => void {
  let done = false;
  const finish = (r: ExchangeResult): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    release();
    resolve(r);
  };
  const onAbort = (): void => finish({ type: "error", error: signal.reason });
  const timer = setTimeout(() => finish({ type: "timeout" }), timeoutMs);
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return finish;
}

/** Sends over UDP from a fresh socket (so a fresh random source port, RFC 5452 §9.2). */
export function exchangeUdp(
  up: Upstream,
  query: OutgoingQuery,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    const sock = createSocket(up.host.includes(":") ? "udp6" : "udp4");
    const finish = settleOnce(resolve, timeoutMs, signal, () => sock.close());
    if (signal.aborted) return;
    sock.on("error", (error) => finish({ type: "error", error }));
    sock.on("message", (msg, rinfo) => {
      if (rinfo.port !== up.port || !sameHost(rinfo.address, up.host)) return;
      const layout = matchAnswer(query, msg);
      if (layout) finish({ type: "answer", bytes: msg, layout });
    });
    sock.send(query.bytes, up.port, up.host, (err) => {
      if (err) finish({ type: "error", error: err });
    });
  });
}

/** Sends over TCP (RFC 7766), for answers too large for UDP. */
export function exchangeTcp(
  up: Upstream,
  query: OutgoingQuery,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    const conn = connect({ host: up.host, port: up.port, noDelay: true });
    const finish = settleOnce(resolve, timeoutMs, signal, () => conn.destroy());
    if (signal.aborted) return;
    conn.on("error", (error) => finish({ type: "error", error }));
    conn.on("close", () =>
      finish({ type: "error", error: new Error(`upstream ${up.host}:${up.port} closed the TCP connection`) }),
    );
    let buf: Buffer = Buffer.alloc(0);
    conn.on("data", (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) return;
        const msg = Buffer.from(buf.subarray(2, 2 + len));
        buf = buf.subarray(2 + len);
        const layout = matchAnswer(query, msg);
        if (layout) return finish({ type: "answer", bytes: msg, layout });
      }
    });
    const framed = Buffer.allocUnsafe(2 + query.bytes.length);
    framed.writeUInt16BE(query.bytes.length, 0);
    query.bytes.copy(framed, 2);
    conn.write(framed);
  });
}
