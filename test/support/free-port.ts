/** Free loopback ports for tests that start real servers. */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/**
 * Ports this process has handed out: a test that asks for several (API, DNS, gateway) must not
 * get the same one twice.
 */
const handedOut = new Set<number>();

/**
 * The lowest port the kernel hands out by itself (outgoing connections' local ports, `listen(0)`).
 * Ports are picked below it: a port the kernel chose for a probe could be taken again by any
 * outgoing connection of a busy test run before the server it was meant for listens on it.
 */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 2048 ? low : 32768;
  } catch {
    return 32768;
  }
}

const HIGH = ephemeralLow();
const LOW = Math.max(1024, Math.floor(HIGH / 2));

/** Whether a TCP listener on `host`:`port` can be opened right now. */
function bindable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/**
 * A TCP port on `host` that was free a moment ago, below the kernel's own range (see
 * {@link ephemeralLow}) and never one handed out before by this process.
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port) || !(await bindable(host, port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port on ${host} in ${LOW}-${HIGH - 1} that was not already handed out, after 200 tries`);
}
