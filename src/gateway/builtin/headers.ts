/**
 * Header rewriting of a reverse proxy (RFC 9110 §7.6.1): hop-by-hop headers, and those the
 * Connection header names, are not forwarded; X-Forwarded-For/-Host/-Proto and X-Real-IP are set
 * as nginx's usual `proxy_set_header` lines set them.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authenticate", "proxy-authorization"]);

function dropped(headers: IncomingHttpHeaders): Set<string> {
  const drop = new Set(HOP_BY_HOP);
  const conn = headers.connection;
  if (typeof conn === "string") for (const name of conn.split(",")) drop.add(name.trim().toLowerCase());
  return drop;
}

/** Request headers for the backend; `upgrade` keeps Connection/Upgrade for a WebSocket handshake. */
export function upstreamRequestHeaders(headers: IncomingHttpHeaders, remoteAddress: string, upgrade: boolean): OutgoingHttpHeaders {
  const drop = dropped(headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !drop.has(name)) out[name] = value;
  const prior = headers["x-forwarded-for"];
  out["x-forwarded-for"] = prior ? `${Array.isArray(prior) ? prior.join(", ") : prior}, ${remoteAddress}` : remoteAddress;
  out["x-real-ip"] = remoteAddress;
  if (headers.host !== undefined) out["x-forwarded-host"] = headers.host;
  out["x-forwarded-proto"] = "http";
  if (upgrade && headers.upgrade !== undefined) {
    out.connection = "upgrade";
    out.upgrade = headers.upgrade;
  }
  return out;
}

/** Response headers for the client. */
export function clientResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const drop = dropped(headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !drop.has(name)) out[name] = value;
  return out;
}
