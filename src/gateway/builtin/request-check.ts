/**
 * What the built-in engine decides about a request head before routing it, on what node:http has
 * already parsed (no second parse): the version, the head's sizes, the Host field, the form of the
 * request-target and the framing — answering as nginx does where a request cannot be served.
 */
import type { IncomingMessage } from "node:http";
import { type ClientLimits, MAX_HEADER_FIELDS } from "../client-limits.ts";
import { routingName } from "./host.ts";

/** The outcome of {@link checkRequest}. */
export type CheckedRequest =
  | {
      type: "ok";
      /** The name to route by (see `routingName`); "" when an HTTP/1.0 request has no Host. */
      name: string;
      /** The request-target in origin-form (path and query). */
      url: string;
      /** The authority of an absolute-form target, sent upstream as Host instead of the client's Host. */
      authority: string | undefined;
    }
  | { type: "reject"; status: 400 | 414 | 501 | 505; reason: string };

const reject = (status: 400 | 414 | 501 | 505, reason: string): CheckedRequest => ({ type: "reject", status, reason });

/** `SP` + `SP HTTP/1.1` + CRLF around method and target: the rest of a request line's bytes. */
const REQUEST_LINE_REST = 12;
/** `: ` and CRLF around a field's name and value. */
const FIELD_LINE_REST = 4;

/** The scheme of the listener a request came in on. */
export type Scheme = "http" | "https";

/** Splits an absolute-form target (`http://authority/path?query`) into authority and origin-form. */
function absoluteForm(url: string, scheme: Scheme): { authority: string; url: string } | undefined {
  // RFC 9112 §3.2.2; only the scheme of this listener, case-insensitive (RFC 3986 §3.1).
  const start = scheme.length + 3;
  if (
    url.length <= start ||
    url.charCodeAt(scheme.length) !== 0x3a ||
    url.slice(0, start).toLowerCase() !== (scheme === "http" ? "http://" : "https://")
  )
    return undefined;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 0x2f || c === 0x3f || c === 0x23) break;
    end++;
  }
  const rest = url.slice(end);
  return { authority: url.slice(start, end), url: rest.charCodeAt(0) === 0x2f ? rest : `/${rest}` };
}

/**
 * Checks `req`, which came in on a listener of `scheme`, against `limits` and RFC 9112; see
 * {@link CheckedRequest}.
 */
export function checkRequest(req: IncomingMessage, limits: ClientLimits, scheme: Scheme): CheckedRequest {
  if (req.httpVersionMajor !== 1) return reject(505, `HTTP version ${req.httpVersion} is not supported`);
  const url = req.url ?? "";
  const method = req.method ?? "";
  const lineBytes = method.length + url.length + REQUEST_LINE_REST;
  if (lineBytes > limits.headerBufferBytes)
    return reject(414, `request line of ${lineBytes} bytes is longer than ${limits.headerBufferBytes}`);
  const raw = req.rawHeaders;
  if (raw.length > 2 * MAX_HEADER_FIELDS)
    return reject(400, `${raw.length / 2} header fields are more than ${MAX_HEADER_FIELDS}`);
  let headBytes = lineBytes + 2;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const bytes = name.length + raw[i + 1]!.length + FIELD_LINE_REST;
    if (bytes > limits.headerBufferBytes)
      return reject(400, `header field ${name} of ${bytes} bytes is longer than ${limits.headerBufferBytes}`);
    headBytes += bytes;
    if (name.length === 4 && name.toLowerCase() === "host") hosts++;
  }
  const maxHead = limits.headerBuffers * limits.headerBufferBytes;
  if (headBytes > maxHead) return reject(400, `request head of ${headBytes} bytes is larger than ${maxHead}`);
  // RFC 9112 §3.2: more than one Host field, or an invalid one, is 400. node:http already answers
  // 400 to an HTTP/1.1 request without Host; HTTP/1.0 may omit it.
  if (hosts > 1) return reject(400, `${hosts} Host header fields`);
  const host = req.headers.host;
  let name = "";
  if (host !== undefined) {
    const valid = routingName(host);
    if (valid === undefined) return reject(400, `invalid Host ${JSON.stringify(host.slice(0, 100))}`);
    name = valid;
  }
  let authority: string | undefined;
  let target = url;
  if (url.charCodeAt(0) !== 0x2f) {
    // Asterisk-form (`OPTIONS *`) is for the server itself and authority-form for CONNECT (answered
    // elsewhere); nginx answers any target but origin- and absolute-form with 400.
    const absolute = absoluteForm(url, scheme);
    if (!absolute)
      return reject(
        400,
        `request-target ${JSON.stringify(url.slice(0, 100))} is not origin- or ${scheme} absolute-form`,
      );
    const valid = routingName(absolute.authority);
    if (valid === undefined)
      return reject(400, `invalid authority ${JSON.stringify(absolute.authority.slice(0, 100))} in the request-target`);
    // RFC 9112 §3.2.2: the target's authority replaces Host, for routing and for the backend.
    name = valid;
    authority = absolute.authority;
    target = absolute.url;
  }
  const te = req.headers["transfer-encoding"];
  if (te !== undefined) {
    // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing. node:http emits
    // a request whose only coding is unknown (`xchunked`) before failing on it: answer it here, as
    // nginx does, before anything goes upstream.
    if (req.httpVersionMinor === 0) return reject(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (te.toLowerCase() !== "chunked") return reject(501, `Transfer-Encoding ${JSON.stringify(te.slice(0, 100))}`);
  }
  return { type: "ok", name, url: target, authority };
}
