/** Free loopback ports for tests that start real servers. */
import { createServer } from "node:net";

/**
 * Ports this process has handed out: the OS may offer a port again as soon as the probe closes it,
 * and a test that asks for several (API, DNS, gateway) must not get the same one twice.
 */
const handedOut = new Set<number>();

function probe(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === "string") return reject(new Error("no port"));
      srv.close(() => resolve(addr.port));
    });
  });
}

/** A TCP port on `host` that was free a moment ago (the OS picked it), never one handed out before. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await probe(host);
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port on ${host} that was not already handed out, after 100 tries`);
}
