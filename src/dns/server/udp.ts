/**
 * The UDP listener: one datagram in, the handler's bytes out. `reusePort` lets several worker
 * processes bind the same port, so the kernel spreads datagrams over them (SO_REUSEPORT).
 */
import { createSocket, type Socket, type SocketOptions } from "node:dgram";
import { isIPv6 } from "node:net";
import type { Logger } from "../../machinery/log.ts";
import type { MessageHandler } from "./handler.ts";

/** Options of {@link listenUdp}. */
export interface UdpOptions {
  host: string;
  port: number;
  handler: MessageHandler;
  log: Logger;
  /** Share the port with other processes' sockets (workers). */
  reusePort?: boolean;
}

/** A bound UDP socket. */
export interface UdpListener {
  port: number;
  close(): Promise<void>;
}

/**
 * Kernel receive buffer: room for bursts of queries while the event loop is busy. Each datagram
 * is read whole (libuv reads up to 64 KiB), which holds the EDNS maximum.
 */
const RECV_BUFFER = 4 * 1024 * 1024;

type Lookup = NonNullable<SocketOptions["lookup"]>;

/**
 * Replies only ever go to the address a query came from, an IP literal, so the socket's "lookup"
 * hands it straight back and the send happens at once. Node's default (dns.lookup) answers a
 * literal through process.nextTick; in a process that also runs watches and timers, that tick
 * machinery is megamorphic, and it cost each reply about a microsecond (perf, under dnsperf).
 */
const literal4: Lookup = (address, _options, callback) => callback(null, address, 4);
const literal6: Lookup = (address, _options, callback) => callback(null, address, 6);

/** Binds a UDP socket and answers every datagram through `handler`. */
export async function listenUdp(options: UdpOptions): Promise<UdpListener> {
  const { handler, log } = options;
  const v6 = isIPv6(options.host);
  const socket: Socket = createSocket({
    type: v6 ? "udp6" : "udp4",
    lookup: v6 ? literal6 : literal4,
    ...(options.reusePort ? { reusePort: true, reuseAddr: false } : {}),
  });
  // No send callback: without one Node tries a synchronous send first (uv_udp_try_send) instead of
  // queueing a request and completing it on a later loop turn; failures surface as 'error' events.
  const reply = (out: Buffer | undefined, port: number, address: string): void => {
    if (out) socket.send(out, port, address);
  };
  socket.on("message", (msg, rinfo) => {
    // The memo's buffer may be rewritten only when no earlier send of it is still queued. With the
    // literal lookup a send either reaches the kernel inside socket.send (which copies the datagram)
    // or waits in libuv's queue, which getSendQueueCount counts.
    const known = handler.memoized?.(msg, rinfo.address, socket.getSendQueueCount() === 0, rinfo.port);
    if (known) {
      socket.send(known, rinfo.port, rinfo.address);
      return;
    }
    let out: ReturnType<MessageHandler>;
    try {
      out = handler(msg, "udp", rinfo.address, rinfo.port);
    } catch (err) {
      log.error({ err }, "udp handler threw");
      return;
    }
    if (out instanceof Promise) {
      out.then(
        (b) => reply(b, rinfo.port, rinfo.address),
        (err: unknown) => log.error({ err }, "udp handler failed"),
      );
    } else reply(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind({ address: options.host, port: options.port, exclusive: true }, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  socket.on("error", (err) => log.warn({ err: err.message }, "udp socket error"));
  try {
    socket.setRecvBufferSize(RECV_BUFFER);
  } catch {
    // The kernel's rmem_max caps it; the default still works.
  }
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
