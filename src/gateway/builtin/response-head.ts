/**
 * A small, strict, bounded parser of an HTTP/1.x response head (status line + header fields, RFC
 * 9112 §4–6) as a backend sends it to the built-in engine. It decides how the body is framed
 * (RFC 9112 §6.3) and whether the connection may be reused; it never touches the body. Anything
 * unusual — bare LF, obs-fold, a bad field name or value, conflicting Content-Length — is refused
 * rather than guessed at, as a proxy must not reinterpret what the backend meant.
 */

/** How the response body ends. */
export type BodyFraming =
  | { type: "none" }
  | { type: "length"; length: number }
  | { type: "chunked" }
  /** Close-delimited: the body runs until the backend closes the connection. */
  | { type: "close" };

/** A complete, valid response head. */
export interface ResponseHead {
  type: "head";
  /** Bytes of the head, the final CRLFCRLF included; the body starts here. */
  size: number;
  status: number;
  reason: string;
  /** Header fields in order as a flat list `[name, value, name, value, …]`, names as sent. */
  headers: string[];
  body: BodyFraming;
  /** The connection may carry another request after this response's body. */
  keepAlive: boolean;
}

/** The outcome of parsing what has arrived so far. */
export type HeadParse = { type: "incomplete" } | { type: "invalid"; reason: string } | ResponseHead;

/** Heads larger than this are refused (nginx's proxy_buffer_size is 4–8 KiB). */
export const MAX_HEAD_BYTES = 32 * 1024;

const INCOMPLETE: HeadParse = { type: "incomplete" };
const CRLFCRLF = Buffer.from("\r\n\r\n");
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: ([\t\x20-\x7e\x80-\xff]*))?$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const DIGITS = /^\d{1,15}$/;

const invalid = (reason: string): HeadParse => ({ type: "invalid", reason });

/**
 * Parses the head at the start of `buf`. `method` is the request's (a HEAD response has no body).
 * Returns `incomplete` until the blank line has arrived, and `invalid` once more than `maxBytes`
 * arrived without one.
 */
export function parseResponseHead(buf: Buffer, method: string, maxBytes = MAX_HEAD_BYTES): HeadParse {
  const end = buf.indexOf(CRLFCRLF);
  if (end < 0 || end + 4 > maxBytes) return buf.length >= maxBytes || end + 4 > maxBytes ? invalid(`response head larger than ${maxBytes} bytes`) : INCOMPLETE;
  const lines = buf.toString("latin1", 0, end).split("\r\n");
  const statusLine = lines[0] ?? "";
  const m = STATUS_LINE.exec(statusLine);
  if (!m) return invalid(`bad status line ${JSON.stringify(statusLine.slice(0, 64))}`);
  const http11 = m[1] === "1";
  const status = Number(m[2]);
  const headers: string[] = [];
  let lengths: string | undefined;
  let transferEncoding: string | undefined;
  let connection = "";
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const colon = line.indexOf(":");
    if (colon <= 0) return invalid(`bad header line ${JSON.stringify(line.slice(0, 64))}`);
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return invalid(`bad header name ${JSON.stringify(name.slice(0, 64))}`);
    const value = line.slice(colon + 1).replace(/^[\t ]+|[\t ]+$/g, "");
    if (BAD_VALUE.test(value)) return invalid(`bad value of header ${name}`);
    headers.push(name, value);
    const lower = name.length === 14 || name.length === 17 || name.length === 10 ? name.toLowerCase() : "";
    if (lower === "content-length") lengths = lengths === undefined ? value : `${lengths},${value}`;
    else if (lower === "transfer-encoding") transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`;
    else if (lower === "connection") connection += `,${value.toLowerCase()}`;
  }
  const closeAsked = connection.split(",").some((t) => t.trim() === "close");
  let keepAlive = http11 && !closeAsked;
  if (status < 200 || status === 204 || status === 304 || method === "HEAD") return { type: "head", size: end + 4, status, reason: m[3] ?? "", headers, body: { type: "none" }, keepAlive };
  let body: BodyFraming;
  if (transferEncoding !== undefined) {
    const codings = transferEncoding.split(",").map((c) => c.trim().toLowerCase()).filter((c) => c !== "");
    if (codings.at(-1) === "chunked" && http11) body = { type: "chunked" };
    else {
      body = { type: "close" };
      keepAlive = false;
    }
    if (lengths !== undefined) keepAlive = false; // RFC 9112 §6.3: Transfer-Encoding overrides; do not reuse
  } else if (lengths !== undefined) {
    const values = lengths.split(",").map((v) => v.trim());
    const first = values[0] ?? "";
    if (!DIGITS.test(first) || values.some((v) => v !== first)) return invalid(`bad content-length ${JSON.stringify(lengths.slice(0, 64))}`);
    body = { type: "length", length: Number(first) };
  } else {
    body = { type: "close" };
    keepAlive = false;
  }
  return { type: "head", size: end + 4, status, reason: m[3] ?? "", headers, body, keepAlive };
}
