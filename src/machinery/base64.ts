/**
 * Base64 as Kubernetes reads `[]byte` fields from JSON: the standard alphabet with `=` padding
 * (RFC 4648 §4), line breaks (`\r`, `\n`) skipped anywhere. Node's own decoder accepts far more
 * (the URL alphabet, missing padding, and it stops quietly at the first stray character), so a
 * value is checked here first and only decoded when it is well formed.
 */

const ALPHABET = /^[A-Za-z0-9+/]$/;

/** Why a text is not base64: Go's `CorruptInputError` wording, which names an offset and never the text. */
export class Base64Error extends Error {
  /** The offset into the text (line breaks counted) where the data stopped making sense. */
  readonly offset: number;
  constructor(offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
    this.name = "Base64Error";
    this.offset = offset;
  }
}

/**
 * The offset of the first fault in `text` as standard padded base64, or -1 when it is well
 * formed. Rules: four characters per quantum; `=` only as the last one or two of the last
 * quantum; nothing but line breaks after the padding.
 */
export function base64Fault(text: string): number {
  let inQuantum = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\r" || ch === "\n") continue;
    if (ALPHABET.test(ch)) {
      inQuantum = (inQuantum + 1) % 4;
      continue;
    }
    if (ch !== "=" || inQuantum < 2) return i;
    let next = i + 1;
    if (inQuantum === 2) {
      while (next < text.length && (text[next] === "\r" || text[next] === "\n")) next++;
      if (next === text.length) return text.length;
      if (text[next] !== "=") return next - 1;
      next++;
    }
    while (next < text.length && (text[next] === "\r" || text[next] === "\n")) next++;
    return next < text.length ? next : -1;
  }
  return inQuantum === 0 ? -1 : text.length - inQuantum;
}

/** The bytes of standard padded base64; throws {@link Base64Error} when `text` is not that. */
export function decodeBase64(text: string): Buffer {
  const fault = base64Fault(text);
  if (fault >= 0) throw new Base64Error(fault);
  return Buffer.from(text.replace(/[\r\n]/g, ""), "base64");
}

/** The canonical form of well-formed base64 (no line breaks); throws {@link Base64Error} otherwise. */
export function canonicalBase64(text: string): string {
  return decodeBase64(text).toString("base64");
}

/** How many bytes canonical base64 (as {@link canonicalBase64} writes it) stands for, without decoding it. */
export function base64ByteLength(canonical: string): number {
  const padding = canonical.endsWith("==") ? 2 : canonical.endsWith("=") ? 1 : 0;
  return (canonical.length / 4) * 3 - padding;
}
