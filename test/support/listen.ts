/**
 * Listening in tests: a server a test starts either listens or the test fails at once with the
 * address and the errno (a fixed address someone else holds would otherwise go unnoticed until a
 * timeout, since a server without an 'error' listener only emits the event), and closing it
 * again whatever state it is in.
 */
import type { Socket as UdpSocket } from "node:dgram";
import type { Server } from "node:net";
import { getSystemErrorMap } from "node:util";

/** What a listen failure says: `cannot listen on 127.0.0.1:8010 (tcp): EADDRINUSE (address already in use)`. */
function listenError(host: string, port: number, proto: "tcp" | "udp", err: Error): Error {
  const { code, errno } = err as NodeJS.ErrnoException;
  const where = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  const why = errno !== undefined ? getSystemErrorMap().get(errno)?.[1] : undefined;
  const cause = code !== undefined ? `${code}${why ? ` (${why})` : ""}` : err.message;
  return new Error(`cannot listen on ${where} (${proto}): ${cause}`, { cause: err });
}

/**
 * Listens on `host:port` (port 0: one the OS picks) and resolves with the bound port; rejects at
 * once on 'error' with the address and errno, and leaves no listener of its own behind.
 */
export function listenOrFail(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => reject(listenError(host, port, "tcp", err));
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      const addr = server.address();
      if (addr === null || typeof addr === "string") reject(new Error(`no TCP address after listening on ${host}`));
      else resolve(addr.port);
    });
  });
}

/** Binds a UDP socket like {@link listenOrFail}: resolves with the port, rejects at once naming the address. */
export function bindOrFail(socket: UdpSocket, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => reject(listenError(host, port, "udp", err));
    socket.once("error", fail);
    socket.bind(port, host, () => {
      socket.off("error", fail);
      resolve(socket.address().port);
    });
  });
}

/** Closes a server (dropping its open connections when it has them); a server that never listened is fine. */
export function closeServer(server: Server & { closeAllConnections?: () => void }): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}
