/**
 * A reference reading of an HTTP/1.1 request, strictly by the grammar of RFC 9112 (request-line,
 * field lines, message body length) and RFC 9110 §5 (field names and values), for property tests:
 * what a message means, so a test can compare what a client sent with what a gateway forwarded.
 * It accepts nothing the grammar does not: no bare LF, no obs-fold, no whitespace before a colon.
 */

/** A request as the grammar reads it. */
export interface ModelRequest {
  method: string;
  target: string;
  version: string;
  /** Field lines in order: name as sent, value without surrounding whitespace. */
  fields: [string, string][];
  /** The body, chunked framing removed. */
  body: Buffer;
  /** Bytes of the whole message (head and body). */
  size: number;
}

/** `tchar` of RFC 9110 §5.6.2. */
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A request-target: any visible US-ASCII (RFC 9112 §3.2, none of its forms has a space or CTL). */
const TARGET = /^[\x21-\x7e]+$/;
/** field-value of RFC 9110 §5.5: VCHAR / obs-text, with SP/HTAB only inside. */
const FIELD_VALUE = /^(?:[\x21-\x7e\x80-\xff](?:[\x20\x09\x21-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;

/** The values of field `name` (case-insensitive). */
export function modelField(request: ModelRequest, name: string): string[] {
  const lower = name.toLowerCase();
  return request.fields.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** Reads one request from the start of `bytes` (latin1), or says why the grammar rejects it. */
export function readModelRequest(bytes: Buffer): ModelRequest | { invalid: string } {
  const end = bytes.indexOf("\r\n\r\n");
  if (end < 0) return { invalid: "no end of head" };
  const head = bytes.toString("latin1", 0, end);
  const lines = head.split("\r\n");
  if (lines.some((l) => l.includes("\n") || l.includes("\r"))) return { invalid: "bare CR or LF" };
  const parts = (lines[0] ?? "").split(" ");
  if (parts.length !== 3) return { invalid: `request-line ${JSON.stringify(lines[0])}` };
  const [method = "", target = "", version = ""] = parts;
  if (!TCHAR.test(method)) return { invalid: `method ${JSON.stringify(method)}` };
  if (!TARGET.test(target)) return { invalid: `target ${JSON.stringify(target)}` };
  if (!/^HTTP\/\d\.\d$/.test(version)) return { invalid: `version ${JSON.stringify(version)}` };
  const fields: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    const name = colon < 0 ? "" : line.slice(0, colon);
    if (!TCHAR.test(name)) return { invalid: `field line ${JSON.stringify(line.slice(0, 40))}` };
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (!FIELD_VALUE.test(value)) return { invalid: `value of ${name}` };
    fields.push([name, value]);
  }
  const request: ModelRequest = { method, target, version, fields, body: Buffer.alloc(0), size: end + 4 };
  const te = modelField(request, "transfer-encoding");
  const cl = modelField(request, "content-length");
  const start = end + 4;
  if (te.length > 0) {
    // RFC 9112 §6.1/§6.3: both framings at once, or a final coding other than chunked, is faulty.
    if (cl.length > 0) return { invalid: "Transfer-Encoding with Content-Length" };
    const codings = te
      .join(",")
      .split(",")
      .map((c) => c.trim().toLowerCase());
    if (codings.at(-1) !== "chunked") return { invalid: `Transfer-Encoding ${te.join(",")}` };
    const parts: Buffer[] = [];
    for (let at = start; ; ) {
      const eol = bytes.indexOf("\r\n", at);
      const sizeText = eol < 0 ? "" : bytes.toString("latin1", at, eol).split(";")[0]!;
      if (!/^[0-9a-fA-F]+$/.test(sizeText)) return { invalid: "chunk size" };
      const size = Number.parseInt(sizeText, 16);
      if (size === 0) {
        if (bytes.toString("latin1", eol + 2, eol + 4) !== "\r\n") return { invalid: "trailer section" };
        request.body = Buffer.concat(parts);
        request.size = eol + 4;
        return request;
      }
      if (bytes.toString("latin1", eol + 2 + size, eol + 4 + size) !== "\r\n") return { invalid: "chunk data" };
      parts.push(bytes.subarray(eol + 2, eol + 2 + size));
      at = eol + 4 + size;
    }
  }
  if (cl.length > 0) {
    const values = cl
      .join(",")
      .split(",")
      .map((v) => v.trim());
    if (!values.every((v) => /^\d+$/.test(v) && Number(v) === Number(values[0])))
      return { invalid: `Content-Length ${cl.join(",")}` };
    const length = Number(values[0]);
    if (bytes.length < start + length) return { invalid: "body shorter than Content-Length" };
    request.body = Buffer.from(bytes.subarray(start, start + length));
    request.size = start + length;
  }
  return request;
}
