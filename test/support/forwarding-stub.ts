/**
 * A tiny resolver that forwards every UDP query to one target and relays the answer back (like a
 * dnsmasq or systemd-resolved stub whose upstream is kdns): the other half of a forwarding loop.
 */
import { createSocket, type Socket } from "node:dgram";
import { bindOrFail } from "./listen.ts";

/** A running stub. */
export interface ForwardingStub {
  host: string;
  port: number;
  /** Queries received from clients so far. */
  forwarded(): number;
  close(): Promise<void>;
}

/** Options of {@link startForwardingStub}. */
export interface ForwardingStubOptions {
  /** Where every query goes. */
  target: { host: string; port: number };
  /** Waits this long before forwarding each query (default 0). */
  delayMs?: number;
}

/** Starts a stub on a free UDP port of 127.0.0.1. */
export async function startForwardingStub(options: ForwardingStubOptions): Promise<ForwardingStub> {
  const server = createSocket("udp4");
  const outbound = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let count = 0;
  let closed = false;
  const forward = (msg: Buffer, client: { address: string; port: number }): void => {
    if (closed) return;
    const out = createSocket("udp4");
    outbound.add(out);
    const done = (): void => {
      if (outbound.delete(out)) out.close();
    };
    const giveUp = setTimeout(done, 5000);
    giveUp.unref();
    out.on("error", done);
    out.on("message", (answer) => {
      clearTimeout(giveUp);
      done();
      if (!closed) server.send(answer, client.port, client.address);
    });
    out.send(msg, options.target.port, options.target.host);
  };
  server.on("message", (msg, rinfo) => {
    count++;
    const delay = options.delayMs ?? 0;
    if (delay <= 0) return forward(msg, rinfo);
    const t = setTimeout(() => {
      timers.delete(t);
      forward(msg, rinfo);
    }, delay);
    timers.add(t);
  });
  const port = await bindOrFail(server, 0, "127.0.0.1");
  return {
    host: "127.0.0.1",
    port,
    forwarded: () => count,
    close: async () => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      for (const s of outbound) s.close();
      outbound.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
