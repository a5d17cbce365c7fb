/**
 * The name a request is routed by, read from a Host field value or from the authority of an
 * absolute-form request-target: `uri-host [ ":" port ]` (RFC 9110 §7.2, RFC 3986 §3.2.2–3.2.3),
 * checked in one pass over its characters.
 */

/** reg-name characters of RFC 3986 §3.2.2: unreserved, sub-delims and `%` of pct-encoded. */
const REG_NAME = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=%")
  REG_NAME[c.charCodeAt(0)] = 1;
/** Characters inside an IP-literal's brackets (IPv6 and IPvFuture, RFC 3986 §3.2.2). */
const IP_LITERAL = new Uint8Array(128);
for (const c of "abcdefABCDEFvV0123456789:.") IP_LITERAL[c.charCodeAt(0)] = 1;

/**
 * The routing name in `value`: lowercased, without port and without one trailing dot. `undefined`
 * when `value` is not a valid non-empty host — a space (so also two Host fields joined), userinfo,
 * a path, a non-digit port, or `..`, which nginx refuses too — and the request is then 400
 * (RFC 9112 §3.2: a Host field with an invalid value).
 */
export function routingName(value: string): string | undefined {
  const n = value.length;
  let end = 0;
  if (n > 0 && value.charCodeAt(0) === 0x5b) {
    end = value.indexOf("]");
    if (end < 2) return undefined;
    for (let i = 1; i < end; i++) {
      const c = value.charCodeAt(i);
      if (c >= 128 || IP_LITERAL[c] === 0) return undefined;
    }
    end++;
  } else {
    for (; end < n; end++) {
      const c = value.charCodeAt(end);
      if (c === 0x3a) break;
      if (c >= 128 || REG_NAME[c] === 0) return undefined;
      if (c === 0x2e && end > 0 && value.charCodeAt(end - 1) === 0x2e) return undefined;
    }
  }
  if (end < n) {
    if (value.charCodeAt(end) !== 0x3a) return undefined;
    for (let i = end + 1; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return undefined;
    }
  }
  const name = end > 1 && value.charCodeAt(end - 1) === 0x2e ? value.slice(0, end - 1) : value.slice(0, end);
  if (name === "" || name === ".") return undefined;
  return name.toLowerCase();
}
