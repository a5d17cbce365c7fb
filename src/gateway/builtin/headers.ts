/**
 * Header rewriting of a reverse proxy (RFC 9110 §7.6.1): hop-by-hop headers, and those the
 * Connection header names, are not forwarded; X-Forwarded-For/-Host/-Proto and X-Real-IP are set
 * as nginx's usual `proxy_set_header` lines set them.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

/** Fields that describe one connection, never forwarded (RFC 9110 §7.6.1). */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-authenticate",
  "proxy-authorization",
]);

/** Fields a Connection header may not remove: the backend would route by another name or misframe. */
const KEPT: ReadonlySet<string> = new Set(["host", "content-length"]);

function dropped(headers: IncomingHttpHeaders): Set<string> {
  const drop = new Set(HOP_BY_HOP);
  const conn = headers.connection;
  if (typeof conn === "string")
    for (const name of conn.split(",")) {
      const lower = name.trim().toLowerCase();
      if (!KEPT.has(lower)) drop.add(lower);
    }
  return drop;
}

/**
 * Request headers for the backend; `upgrade` keeps Connection/Upgrade for a WebSocket handshake;
 * `authority` (of an absolute-form request-target) replaces Host (RFC 9112 §3.2.2); `proto` is the
 * scheme the client used.
 */
export function upstreamRequestHeaders(
  headers: IncomingHttpHeaders,
  remoteAddress: string,
  upgrade: boolean,
  authority: string | undefined,
  proto: "http" | "https",
): OutgoingHttpHeaders {
  const drop = dropped(headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !drop.has(name)) out[name] = value;
  if (authority !== undefined) out.host = authority;
  const prior = headers["x-forwarded-for"];
  out["x-forwarded-for"] = prior
    ? `${Array.isArray(prior) ? prior.join(", ") : prior}, ${remoteAddress}`
    : remoteAddress;
  out["x-real-ip"] = remoteAddress;
  if (out.host !== undefined) out["x-forwarded-host"] = out.host;
  out["x-forwarded-proto"] = proto;
  if (upgrade && headers.upgrade !== undefined) {
    out.connection = "upgrade";
    out.upgrade = headers.upgrade;
  }
  return out;
}

/**
 * Response header fields for the client from a backend's flat `[name, value, …]` list (as
 * `parseResponseHead` returns it); `chunked` also drops Content-Length, which
 * Transfer-Encoding overrides (RFC 9112 §6.3).
 */
export function clientResponseHeaderList(flat: string[], chunked: boolean): string[] {
  let named: Set<string> | undefined;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    if (flat[i]!.length !== 10 || flat[i]!.toLowerCase() !== "connection") continue;
    for (const token of flat[i + 1]!.split(",")) (named ??= new Set()).add(token.trim().toLowerCase());
  }
  const out: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named?.has(lower) || (chunked && lower === "content-length")) continue;
    out.push(name, flat[i + 1]!);
  }
  return out;
}
