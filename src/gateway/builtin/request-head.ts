/**
 * The request head the built-in engine writes to a backend connection, built straight from the
 * client's raw header list into one string (no header objects per request). Same rewriting as
 * headers.ts: hop-by-hop fields and those Connection names are dropped; X-Forwarded-For is
 * appended to, X-Real-IP / X-Forwarded-Host / X-Forwarded-Proto are set as nginx's usual
 * `proxy_set_header` lines set them. Node's HTTP parser has already validated method, target and
 * fields, so nothing here can inject a line.
 */

import { HOP_BY_HOP } from "./headers.ts";

/** How the request body is sent upstream. */
export type RequestBody = "none" | "length" | "chunked";

/** Client fields never forwarded as they came: hop-by-hop, those set here, and Expect. */
export const DROPPED: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP,
  // set below
  "x-forwarded-for",
  "x-real-ip",
  "x-forwarded-host",
  "x-forwarded-proto",
  // the client side already answered 100-continue
  "expect",
]);

/**
 * Head for `method path` with the client's `rawHeaders` (Node's flat `[name, value, …]` list).
 * `body` says how the body follows: `length` keeps the client's Content-Length, `chunked`
 * re-frames a chunked client body. `authority`, the authority of an absolute-form request-target,
 * is sent as Host in place of the client's Host field (RFC 9112 §3.2.2), which the caller has
 * checked to be at most one. `proto` is the scheme the client used, sent as X-Forwarded-Proto.
 */
export function requestHead(
  method: string,
  path: string,
  rawHeaders: string[],
  remoteAddress: string,
  body: RequestBody,
  authority: string | undefined,
  proto: "http" | "https",
): string {
  let named: Set<string> | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length !== 10 || name.toLowerCase() !== "connection") continue;
    for (const token of rawHeaders[i + 1]!.split(",")) {
      const t = token.trim().toLowerCase();
      if (t !== "" && t !== "close" && t !== "keep-alive") (named ??= new Set()).add(t);
    }
  }
  let head = `${method} ${path} HTTP/1.1\r\n`;
  if (authority !== undefined) head += `host: ${authority}\r\n`;
  let forwardedFor = "";
  let host = authority;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    const lower = name.toLowerCase();
    // Host and Content-Length are never dropped for being named in Connection: without them the
    // backend would route by another name or read the body as the next request.
    if (lower === "host") {
      if (authority === undefined) {
        host ??= value;
        head += `${name}: ${value}\r\n`;
      }
      continue;
    }
    if (lower === "content-length") {
      if (body === "length") head += `${name}: ${value}\r\n`;
      continue;
    }
    if (lower === "x-forwarded-for") forwardedFor += `${value}, `;
    if (DROPPED.has(lower) || named?.has(lower)) continue;
    head += `${name}: ${value}\r\n`;
  }
  return head + forwardedTail(forwardedFor, remoteAddress, host, body, proto);
}

/**
 * The end of a forwarded head: X-Forwarded-For (the client's list, `prior` with its trailing
 * `", "`, then the peer), X-Real-IP, X-Forwarded-Host, X-Forwarded-Proto, the framing and the
 * blank line.
 */
export function forwardedTail(
  prior: string,
  remoteAddress: string,
  host: string | undefined,
  body: RequestBody,
  proto: "http" | "https",
): string {
  let tail = `x-forwarded-for: ${prior}${remoteAddress}\r\nx-real-ip: ${remoteAddress}\r\n`;
  if (host !== undefined) tail += `x-forwarded-host: ${host}\r\n`;
  tail += proto === "http" ? "x-forwarded-proto: http\r\n" : "x-forwarded-proto: https\r\n";
  if (body === "chunked") tail += "transfer-encoding: chunked\r\n";
  return `${tail}\r\n`;
}
