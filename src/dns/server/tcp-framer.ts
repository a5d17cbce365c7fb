/**
 * Splits a TCP byte stream into DNS messages by their 2-byte length prefix (RFC 1035 §4.2.2),
 * however the stream is cut into segments (RFC 7766 §8: a prefix may arrive one byte at a time).
 * Chunks are kept as they came and joined once per message, so a slow sender cannot make the
 * server copy a message over and over.
 */

/** What {@link TcpFramer.push} found. */
export type FrameEvent =
  | { type: "message"; msg: Buffer }
  /** A length below a DNS header (0–11): the stream is not DNS; close it. */
  | { type: "bad-length"; length: number };

/** The length-prefix reader of one connection. */
export class TcpFramer {
  #chunks: Buffer[] = [];
  #buffered = 0;

  /** Bytes of a message received but not yet complete (0 between messages). */
  get pending(): number {
    return this.#buffered;
  }

  /** Adds a chunk; returns the complete messages it finished, in order. */
  push(chunk: Buffer): FrameEvent[] {
    if (chunk.length === 0) return [];
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const out: FrameEvent[] = [];
    while (this.#buffered >= 2) {
      const length = this.#peekLength();
      if (length < 12) {
        out.push({ type: "bad-length", length });
        this.#chunks = [];
        this.#buffered = 0;
        return out;
      }
      if (this.#buffered < 2 + length) break;
      const msg = this.#take(2 + length).subarray(2);
      out.push({ type: "message", msg });
    }
    return out;
  }

  #peekLength(): number {
    const first = this.#chunks[0]!;
    if (first.length >= 2) return first.readUInt16BE(0);
    const second = this.#chunks[1]!;
    return (first[0]! << 8) | second[0]!;
  }

  /** Removes the first `n` buffered bytes (n ≤ buffered) and returns them as one buffer. */
  #take(n: number): Buffer {
    const first = this.#chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.#chunks[0]!;
        const want = n - filled;
        if (c.length <= want) {
          c.copy(out, filled);
          filled += c.length;
          this.#chunks.shift();
        } else {
          c.copy(out, filled, 0, want);
          this.#chunks[0] = c.subarray(want);
          filled += want;
        }
      }
    }
    this.#buffered -= n;
    return out;
  }
}
