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
const DIGITS = /^\d{1,15}$/;

/** tchar of RFC 9110 §5.6.2, by char code. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TCHAR[c.charCodeAt(0)] = 1;

/** A field-value / reason-phrase char (HTAB, SP, VCHAR, obs-text) — what node:http accepts too. */
function textChar(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c !== 0x7f && c <= 0xff);
}

function allText(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!textChar(s.charCodeAt(i))) return false;
  return true;
}

const invalid = (reason: string): HeadParse => ({ type: "invalid", reason });

export function parseResponseHead(buf: Buffer, method: string, maxBytes = MAX_HEAD_BYTES): HeadParse {
  const end = buf.indexOf(CRLFCRLF);
  if (end < 0 || end + 4 > maxBytes)
    return buf.length >= maxBytes || end + 4 > maxBytes
      ? invalid(`response head larger than ${maxBytes} bytes`)
      : INCOMPLETE;
  const text = buf.toString("latin1", 0, end + 2);
  let eol = text.indexOf("\r\n");
  const c7 = text.charCodeAt(7);
  if (
    !text.startsWith("HTTP/1.") ||
    (c7 !== 0x30 && c7 !== 0x31) ||
    text.charCodeAt(8) !== 0x20 ||
    !/^[1-9]\d\d$/.test(text.slice(9, 12)) ||
    (eol !== 12 && (text.charCodeAt(12) !== 0x20 || !allText(text, 13, eol)))
  )
    return invalid(`bad status line ${JSON.stringify(text.slice(0, Math.min(eol, 64)))}`);
  const http11 = c7 === 0x31;
  const status = Number(text.slice(9, 12));
  const reason = eol > 12 ? text.slice(13, eol) : "";
  const headers: string[] = [];
  let lengths: string | undefined;
  let transferEncoding: string | undefined;
  let connection = "";
  for (let at = eol + 2; at < end + 2; at = eol + 2) {
    eol = text.indexOf("\r\n", at);
    let colon = at;
    while (colon < eol && text.charCodeAt(colon) < 128 && TCHAR[text.charCodeAt(colon)] === 1) colon++;
    if (colon === at || text.charCodeAt(colon) !== 0x3a)
      return invalid(`bad header line ${JSON.stringify(text.slice(at, Math.min(eol, at + 64)))}`);
    let from = colon + 1;
    let to = eol;
    while (from < to && (text.charCodeAt(from) === 0x20 || text.charCodeAt(from) === 0x09)) from++;
    while (to > from && (text.charCodeAt(to - 1) === 0x20 || text.charCodeAt(to - 1) === 0x09)) to--;
    const name = text.slice(at, colon);
    if (!allText(text, from, to)) return invalid(`bad value of header ${name}`);
    const value = text.slice(from, to);
    headers.push(name, value);
    const lower = name.length === 14 || name.length === 17 || name.length === 10 ? name.toLowerCase() : "";
    if (lower === "content-length") lengths = lengths === undefined ? value : `${lengths},${value}`;
    else if (lower === "transfer-encoding")
      transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`;
    else if (lower === "connection") connection += `,${value.toLowerCase()}`;
  }
  const closeAsked = connection.split(",").some((t) => t.trim() === "close");
  let keepAlive = http11 && !closeAsked;
  if (status < 200 || status === 204 || status === 304 || method === "HEAD")
    return { type: "head", size: end + 4, status, reason, headers, body: { type: "none" }, keepAlive };
  let body: BodyFraming;
  if (transferEncoding !== undefined) {
    const codings = transferEncoding
      .split(",")
      .map((c) => c.trim().toLowerCase())
      .filter((c) => c !== "");
    if (codings.at(-1) === "chunked" && http11) body = { type: "chunked" };
    else {
      body = { type: "close" };
      keepAlive = false;
    }
    if (lengths !== undefined) keepAlive = false; // RFC 9112 §6.3: Transfer-Encoding overrides; do not reuse
  } else if (lengths !== undefined) {
    const values = lengths.split(",").map((v) => v.trim());
    const first = values[0] ?? "";
    if (!DIGITS.test(first) || values.some((v) => v !== first))
      return invalid(`bad content-length ${JSON.stringify(lengths.slice(0, 64))}`);
    body = { type: "length", length: Number(first) };
  } else {
    body = { type: "close" };
    keepAlive = false;
  }
  return { type: "head", size: end + 4, status, reason, headers, body, keepAlive };
}
