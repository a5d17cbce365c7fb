/**
 * Receives the access log nginx sends as syslog (see access-log-render.ts): a UDP socket on
 * loopback, each datagram one request. A datagram that is not from loopback, does not carry the
 * tag of this run (random, written only into nginx.conf) or does not parse is dropped, so another
 * local process cannot feed figures in without reading kdns's data directory.
 */
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { isLoopback } from "../../machinery/host-port.ts";
import type { SyslogTarget } from "./access-log-render.ts";

/** One request as nginx logged it. */
export interface NginxLogLine {
  /** ms since the epoch. */
  time: number;
  client: string;
  host: string;
  /** The `server_name` of the server that took it (empty for the default server). */
  server: string;
  method: string;
  uri: string;
  status: number;
  bytes: number;
  /** Seconds. */
  duration: number;
  /** The last backend tried, `ip:port`, or empty. */
  upstream: string;
  /** The route's prefix, empty when no route took it. */
  path: string;
  /** The route's record, empty when no route took it. */
  route: string;
}

/** A running receiver. */
export interface SyslogReceiver {
  target: SyslogTarget;
  close(): Promise<void>;
}

const text = (v: unknown): string => (typeof v === "string" ? v : "");

/** The last address of `$upstream_addr` (`a, b` after a retry, `a : b` after an internal redirect). */
function lastUpstream(v: string): string {
  const parts = v.split(/, | : /);
  const last = parts[parts.length - 1]!;
  return last === "-" ? "" : last;
}

/** Parses one datagram (`<PRI>Mmm dd hh:mm:ss TAG: {json}`), or undefined when it is not one of ours. */
export function parseSyslogLine(datagram: string, tag: string): NginxLogLine | undefined {
  if (!datagram.startsWith("<")) return undefined;
  const marker = ` ${tag}: `;
  const at = datagram.indexOf(marker);
  if (at < 0 || at > 40) return undefined;
  let o: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(datagram.slice(at + marker.length));
    if (typeof parsed !== "object" || parsed === null) return undefined;
    o = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const status = Number.parseInt(text(o.status), 10);
  const time = Number.parseFloat(text(o.time)) * 1000;
  if (!Number.isFinite(status) || !Number.isFinite(time)) return undefined;
  const bytes = Number.parseInt(text(o.bytes), 10);
  const duration = Number.parseFloat(text(o.duration));
  return {
    time,
    client: text(o.client),
    host: text(o.host),
    server: text(o.server),
    method: text(o.method),
    uri: text(o.uri),
    status,
    bytes: Number.isFinite(bytes) ? bytes : 0,
    duration: Number.isFinite(duration) ? duration : 0,
    upstream: lastUpstream(text(o.upstream)),
    path: text(o.path),
    route: text(o.route),
  };
}

/** Listens on 127.0.0.1 (a free port) and hands every line of this run's nginx to `onLine`. */
export async function startSyslogReceiver(onLine: (line: NginxLogLine) => void): Promise<SyslogReceiver> {
  const tag = `kdns_${randomBytes(8).toString("hex")}`;
  const socket = createSocket({ type: "udp4", recvBufferSize: 4 * 1024 * 1024 });
  socket.on("message", (msg, rinfo) => {
    if (!isLoopback(rinfo.address)) return;
    const line = parseSyslogLine(msg.toString("utf8"), tag);
    if (line) onLine(line);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      socket.off("error", reject);
      resolve();
    });
  });
  return {
    target: { host: "127.0.0.1", port: socket.address().port, tag },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
