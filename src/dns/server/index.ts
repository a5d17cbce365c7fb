/**
 * The DNS server: UDP and TCP listeners on one address and port, both answering through one
 * {@link MessageHandler}. A failed bind rejects with one line naming the address.
 */
import { parseListen } from "../../apiserver/listen-address.ts";
import { logger } from "../../machinery/log.ts";
import type { MessageHandler } from "./handler.ts";
import { listenTcp, type TcpLimits, type TcpListener } from "./tcp.ts";
import { listenUdp, type UdpListener } from "./udp.ts";

export { createHandler, type MessageHandler } from "./handler.ts";
export type { TcpLimits } from "./tcp.ts";

/** Options of {@link startDnsServer}. */
export interface DnsServerOptions {
  /** `host:port` or `[v6]:port`; port 0 picks a free port (the same for UDP and TCP). */
  listen: string;
  handler: MessageHandler;
  tcp?: TcpLimits;
  /** Bind with SO_REUSEPORT so worker processes share the port. */
  reusePort?: boolean;
}

/** A running server. */
export interface RunningDnsServer {
  /** Where it listens (UDP and TCP share it). */
  address: { host: string; port: number };
  /** Open TCP connections. */
  tcpConnections(): number;
  close(): Promise<void>;
}

/** A listen failure, with the errno code (EADDRINUSE …) kept for callers. */
export class DnsListenError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = "DnsListenError";
    this.code = code;
  }
}

const REASONS: Record<string, string> = {
  EADDRINUSE: "address already in use",
  EADDRNOTAVAIL: "address not available",
  EACCES: "permission denied",
};

function listenError(proto: string, host: string, port: number, err: unknown): DnsListenError {
  const code = (err as NodeJS.ErrnoException).code;
  const where = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  const why = (code && REASONS[code]) ?? (err instanceof Error ? err.message : String(err));
  return new DnsListenError(`dns: cannot listen on ${where} (${proto}): ${why}`, code);
}

/** Starts the UDP and TCP listeners; resolves once both are bound. */
export async function startDnsServer(options: DnsServerOptions): Promise<RunningDnsServer> {
  const log = logger("dns");
  const { host, port } = parseListen(options.listen);
  const reuse = options.reusePort ? { reusePort: true } : {};
  // With port 0, UDP picks the port and TCP takes the same one; if TCP finds it taken, try again.
  for (let attempt = 0; ; attempt++) {
    let udp: UdpListener;
    try {
      udp = await listenUdp({ host, port, handler: options.handler, log, ...reuse });
    } catch (err) {
      throw listenError("udp", host, port, err);
    }
    let tcp: TcpListener;
    try {
      tcp = await listenTcp({ host, port: udp.port, handler: options.handler, log, ...options.tcp, ...reuse });
    } catch (err) {
      await udp.close();
      if (port === 0 && attempt < 5 && (err as NodeJS.ErrnoException).code === "EADDRINUSE") continue;
      throw listenError("tcp", host, udp.port, err);
    }
    log.info({ host, port: udp.port }, "dns server listening");
    return {
      address: { host, port: udp.port },
      tcpConnections: () => tcp.connections(),
      close: async () => {
        await Promise.all([udp.close(), tcp.close()]);
      },
    };
  }
}
