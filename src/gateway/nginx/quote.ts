/**
 * Quoting for values written into nginx.conf. Every interpolated value goes through here even
 * though the API allow-lists hosts and paths (defence in depth, docs/dnsrecord-validation.md: the
 * ingress-nginx CVEs came from values that were validated by a deny-list and then pasted raw).
 */

/** Thrown when a value cannot be written safely; the renderer never emits it. */
export class UnsafeValueError extends Error {
  constructor(what: string, value: string, why = "it contains a control character or '$'") {
    super(`refusing to write ${what} ${JSON.stringify(value)} into nginx.conf: ${why}`);
    this.name = "UnsafeValueError";
  }
}

/**
 * A double-quoted nginx string. nginx expands `$name` even inside quotes and a control character
 * could end the directive, so both are refused; `\` and `"` are escaped.
 */
export function quote(what: string, value: string): string {
  if (/[\x00-\x1f\x7f$]/.test(value)) throw new UnsafeValueError(what, value);
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A text body for `return CODE "…"`: newline-terminated, quoted. */
export function quoteBody(value: string): string {
  return `${quote("response text", value).slice(0, -1)}\\n"`;
}
