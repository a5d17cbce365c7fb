/**
 * The DNS server: UDP and TCP listeners on one address and port, both answering through one
 * {@link MessageHandler}. A failed bind rejects with one line naming the address.
 */
import { type HostPort, ListenError } from "../../machinery/host-port.ts";
import { logger } from "../../machinery/log.ts";
import type { MessageHandler } from "./handler.ts";
import { listenTcp, type TcpLimits, type TcpListener } from "./tcp.ts";
import { listenUdp, type UdpListener } from "./udp.ts";

export { createHandler, type MessageHandler } from "./handler.ts";
export type { TcpLimits } from "./tcp.ts";

/** Options of {@link startDnsServer}. */
export interface DnsServerOptions {
  /** Port 0 picks a free port (the same for UDP and TCP). */
  listen: HostPort;
  handler: MessageHandler;
  tcp?: TcpLimits;
  /** Bind with SO_REUSEPORT so worker processes share the port. */
  reusePort?: boolean;
}

/** A running server. */
export interface RunningDnsServer {
  /** Where it listens (UDP and TCP share it). */
  address: HostPort;
  /** Open TCP connections. */
  tcpConnections(): number;
  close(): Promise<void>;
}

/** Starts the UDP and TCP listeners; resolves once both are bound. */
export async function startDnsServer(options: DnsServerOptions): Promise<RunningDnsServer> {
  const log = logger("dns");
  const { host, port } = options.listen;
  const reuse = options.reusePort ? { reusePort: true } : {};
  // With port 0, UDP picks the port and TCP takes the same one; if TCP finds it taken, try again.
  for (let attempt = 0; ; attempt++) {
    let udp: UdpListener;
    try {
      udp = await listenUdp({ host, port, handler: options.handler, log, ...reuse });
    } catch (err) {
      throw new ListenError("dns", { host, port }, err, "udp");
    }
    let tcp: TcpListener;
    try {
      tcp = await listenTcp({ host, port: udp.port, handler: options.handler, log, ...options.tcp, ...reuse });
    } catch (err) {
      await udp.close();
      if (port === 0 && attempt < 5 && (err as NodeJS.ErrnoException).code === "EADDRINUSE") continue;
      throw new ListenError("dns", { host, port: udp.port }, err, "tcp");
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
