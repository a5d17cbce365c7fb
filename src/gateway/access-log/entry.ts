/**
 * The gateway's access log: one JSON object per request, the same from both engines (the nginx
 * engine's come from nginx's own request log, which kdns reads and rewrites here).
 */

/** One request, as the access log writes it. */
export interface AccessLogEntry {
  /** When the request ended, in ms since the epoch. */
  time: number;
  /** The client's address. */
  client: string;
  /** The host the request was routed by (Host, or the authority of an absolute-form target). */
  host: string;
  method: string;
  /** The request-target as sent: path and query. */
  path: string;
  /** The status sent; 499 when the client went away first (nginx's code for it). */
  status: number;
  /** Bytes sent to the client, head included (HTTP/2 through the built-in engine: the body). */
  bytes: number;
  /** Seconds from the request's arrival to its last byte sent. */
  duration: number;
  /** The backend that answered, `ip:port`; null when none did (a gateway answer). */
  upstream: string | null;
  /** `namespace/name` of the record whose route served it; null when no route did. */
  route: string | null;
}

/** The line of one entry (newline included); field order is fixed so lines read alike. */
export function accessLogLine(e: AccessLogEntry): string {
  return `${JSON.stringify({
    time: new Date(e.time).toISOString(),
    client: e.client,
    host: e.host,
    method: e.method,
    path: e.path,
    status: e.status,
    bytes: e.bytes,
    duration: e.duration,
    upstream: e.upstream,
    route: e.route,
  })}\n`;
}
