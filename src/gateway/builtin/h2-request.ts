/**
 * An HTTP/2 request (RFC 9113) as the built-in engine checks and forwards it: nghttp2 has already
 * refused malformed frames, connection-specific fields and a Content-Length the DATA frames
 * contradict; checked here are what nginx checks too — the request-target form, the field sizes
 * of the shared client limits, and one authority — and the HTTP/1.1 head for the backend is
 * written from the raw field list in one string, as for HTTP/1.1 clients.
 */
import type { IncomingHttpHeaders } from "node:http2";
import { type ClientLimits, MAX_HEADER_FIELDS } from "../client-limits.ts";
import { routingName } from "./host.ts";
import { DROPPED, forwardedTail, type RequestBody } from "./request-head.ts";

/** The outcome of {@link checkH2Request}. */
export type CheckedH2Request =
  | {
      type: "ok";
      method: string;
      /** The name to route by (see `routingName`). */
      name: string;
      /** `:path`, in origin-form. */
      url: string;
      /** `:authority` (or Host) as the client sent it: the backend's Host. */
      authority: string;
    }
  | { type: "reject"; status: 400 | 414; reason: string };

const reject = (status: 400 | 414, reason: string): CheckedH2Request => ({ type: "reject", status, reason });

/** `SP` + `SP HTTP/1.1` + CRLF: what a request line adds to method and target (as HTTP/1.1 counts it). */
const REQUEST_LINE_REST = 12;
/** `: ` and CRLF around a field's name and value. */
const FIELD_LINE_REST = 4;

/** Checks one HTTP/2 request against `limits` and RFC 9113 §8.3. */
export function checkH2Request(headers: IncomingHttpHeaders, raw: string[], limits: ClientLimits): CheckedH2Request {
  const method = headers[":method"] ?? "";
  const url = headers[":path"] ?? "";
  // CONNECT is answered before this; `OPTIONS *` is for the server itself, as over HTTP/1.1.
  if (url.charCodeAt(0) !== 0x2f) return reject(400, `:path ${JSON.stringify(url.slice(0, 100))} is not origin-form`);
  const lineBytes = method.length + url.length + REQUEST_LINE_REST;
  if (lineBytes > limits.headerBufferBytes)
    return reject(414, `request line of ${lineBytes} bytes is longer than ${limits.headerBufferBytes}`);
  // Counted as HTTP/1.1 would count them: :method and :path are the request line, :authority the Host field.
  let fields = 0;
  let headBytes = lineBytes + 2;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) === 0x3a && name !== ":authority") continue;
    fields++;
    const bytes = (name === ":authority" ? 4 : name.length) + raw[i + 1]!.length + FIELD_LINE_REST;
    if (bytes > limits.headerBufferBytes)
      return reject(400, `header field ${name} of ${bytes} bytes is longer than ${limits.headerBufferBytes}`);
    headBytes += bytes;
  }
  if (fields > MAX_HEADER_FIELDS) return reject(400, `${fields} header fields are more than ${MAX_HEADER_FIELDS}`);
  const maxHead = limits.headerBuffers * limits.headerBufferBytes;
  if (headBytes > maxHead) return reject(400, `request head of ${headBytes} bytes is larger than ${maxHead}`);
  const pseudo = headers[":authority"];
  const host = headers.host;
  const authority = pseudo ?? host;
  if (authority === undefined) return reject(400, "neither :authority nor Host");
  const name = routingName(authority);
  if (name === undefined) return reject(400, `invalid authority ${JSON.stringify(authority.slice(0, 100))}`);
  // RFC 9113 §8.3.1: a Host naming another entity than :authority makes the request malformed.
  if (pseudo !== undefined && host !== undefined && routingName(host) !== name)
    return reject(400, `Host ${JSON.stringify(host.slice(0, 100))} differs from :authority ${JSON.stringify(pseudo)}`);
  return { type: "ok", method, name, url, authority };
}

/**
 * How the body of an HTTP/2 request goes to an HTTP/1.1 backend: with its Content-Length when it
 * has one, else chunked unless the HEADERS frame ended the stream (RFC 9113 §8.1: a body need
 * not declare its length).
 */
export function h2Body(headers: IncomingHttpHeaders, endAfterHeaders: boolean): RequestBody {
  if (headers["content-length"] !== undefined) return "length";
  return endAfterHeaders ? "none" : "chunked";
}

/**
 * The HTTP/1.1 head for the backend: the pseudo-header fields become the request line and Host,
 * split Cookie fields are joined with "; " (RFC 9113 §8.2.3), and the rest is rewritten as for
 * an HTTP/1.1 client, with X-Forwarded-Proto https.
 */
export function h2RequestHead(
  method: string,
  path: string,
  raw: string[],
  remoteAddress: string,
  body: RequestBody,
  authority: string,
): string {
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${authority}\r\n`;
  let cookie: string | undefined;
  let forwardedFor = "";
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!; // HTTP/2 field names are lowercase (RFC 9113 §8.2.1)
    const value = raw[i + 1]!;
    if (name.charCodeAt(0) === 0x3a || name === "host") continue;
    if (name === "content-length") {
      if (body === "length") head += `content-length: ${value}\r\n`;
      continue;
    }
    if (name === "cookie") {
      cookie = cookie === undefined ? value : `${cookie}; ${value}`;
      continue;
    }
    if (name === "x-forwarded-for") forwardedFor += `${value}, `;
    if (DROPPED.has(name)) continue;
    head += `${name}: ${value}\r\n`;
  }
  if (cookie !== undefined) head += `cookie: ${cookie}\r\n`;
  return head + forwardedTail(forwardedFor, remoteAddress, authority, body, "https");
}
