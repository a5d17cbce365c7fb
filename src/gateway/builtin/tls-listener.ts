/**
 * The built-in engine's HTTPS listener: TLS with the certificate the client's SNI names (RFC 6066
 * §3), kdns's default certificate for any other name or none, and ALPN (RFC 7301) offering `h2`
 * then `http/1.1`. After the handshake a connection is handed on by the protocol ALPN chose, so
 * HTTP/1.1 over TLS runs through the very node:http server of the plain listener, limits and all.
 *
 * Rotation swaps the host → context map: the next handshake gets the new certificate and no open
 * connection is touched. A context is made once per certificate and reused while it is served.
 */
import type { Socket } from "node:net";
import { createSecureContext, createServer, type SecureContext, type TLSSocket } from "node:tls";
import type { ServingCertificate } from "../tls/certificate.ts";

/** Options of {@link startTlsListener}. */
export interface TlsListenerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Presented when the client names no host that has a certificate. */
  defaultCertificate: ServingCertificate;
  /** A handshake not done this long after the accept closes the connection (nginx: client_header_timeout). */
  handshakeTimeoutMs: number;
  /** Gets each connection whose handshake completed; `socket.alpnProtocol` says which protocol. */
  onConnection(socket: TLSSocket): void;
}

/** A listening HTTPS listener. */
export interface TlsListener {
  /** The bound port. */
  readonly port: number;
  /** Serves `certificates` (host name → certificate) to every handshake from now on. */
  setCertificates(certificates: ReadonlyMap<string, ServingCertificate>): void;
  /** Stops listening and closes every connection it accepted. */
  close(): Promise<void>;
}

function context(certificate: ServingCertificate): SecureContext {
  return createSecureContext({
    cert: certificate.chain,
    key: certificate.key.export({ format: "pem", type: "pkcs8" }),
  });
}

/** Starts the listener with no host certificates (every name gets the default one). */
export async function startTlsListener(options: TlsListenerOptions): Promise<TlsListener> {
  let byHost = new Map<string, SecureContext>();
  let byId = new Map<string, SecureContext>();
  const sockets = new Set<Socket>();
  const server = createServer({
    cert: options.defaultCertificate.chain,
    key: options.defaultCertificate.key.export({ format: "pem", type: "pkcs8" }),
    ALPNProtocols: ["h2", "http/1.1"],
    handshakeTimeout: options.handshakeTimeoutMs,
    // Host names are case-insensitive (RFC 4343); SNI carries no trailing dot (RFC 6066 §3).
    SNICallback: (servername, done) => done(null, byHost.get(servername.toLowerCase())),
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("secureConnection", options.onConnection);
  // A failed handshake (a client that does not trust the certificate, a scanner): closed, nothing to answer.
  server.on("tlsClientError", (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = addr !== null && typeof addr === "object" ? addr.port : options.port;
  return {
    port,
    setCertificates(certificates) {
      const hosts = new Map<string, SecureContext>();
      const ids = new Map<string, SecureContext>();
      for (const [host, certificate] of certificates) {
        let ctx = ids.get(certificate.id) ?? byId.get(certificate.id);
        if (!ctx) ctx = context(certificate);
        ids.set(certificate.id, ctx);
        hosts.set(host, ctx);
      }
      byHost = hosts;
      byId = ids;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
