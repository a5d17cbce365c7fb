/**
 * Finds where a response body ends on a backend connection, given its framing from the head, and
 * hands the body's bytes on as they arrive. A Content-Length body is passed through as slices of
 * the received chunks; a chunked body is decoded (strictly, with bounded size lines and trailers),
 * because the client side re-frames it; a close-delimited body ends when the connection does.
 */
import type { BodyFraming } from "./response-head.ts";

/** The outcome of feeding one chunk. */
export type Feed =
  | { type: "more" }
  /** The body ended `rest` bytes before the end of the chunk (bytes that belong to nothing). */
  | { type: "done"; rest: number }
  | { type: "invalid"; reason: string };

/** Receives body bytes; the buffers may be slices of the fed chunk. */
export type Emit = (data: Buffer) => void;

/** A body in progress. */
export interface BodyReader {
  feed(chunk: Buffer, emit: Emit): Feed;
}

const MORE: Feed = { type: "more" };
const DONE: Feed = { type: "done", rest: 0 };
const done = (rest: number): Feed => (rest === 0 ? DONE : { type: "done", rest });

/** Makes the reader for one response body. */
export function bodyReader(framing: BodyFraming): BodyReader {
  switch (framing.type) {
    case "none":
      return { feed: (chunk) => done(chunk.length) };
    case "close":
      return {
        feed(chunk, emit) {
          if (chunk.length > 0) emit(chunk);
          return MORE;
        },
      };
    case "length":
      return new LengthReader(framing.length);
    case "chunked":
      return new ChunkedReader();
  }
}

class LengthReader implements BodyReader {
  #left: number;
  constructor(length: number) {
    this.#left = length;
  }
  feed(chunk: Buffer, emit: Emit): Feed {
    if (this.#left === 0) return done(chunk.length);
    if (chunk.length <= this.#left) {
      this.#left -= chunk.length;
      if (chunk.length > 0) emit(chunk);
      return this.#left === 0 ? DONE : MORE;
    }
    emit(chunk.subarray(0, this.#left));
    const rest = chunk.length - this.#left;
    this.#left = 0;
    return done(rest);
  }
}

/** Longest chunk-size line (size, extensions) and trailer section accepted. */
const MAX_LINE = 4096;
const MAX_TRAILERS = 16 * 1024;
/** At most 12 hex digits (256 TiB): exact in a double. */
const MAX_SIZE_DIGITS = 12;

const S = {
  size: 0,
  ext: 1,
  sizeLf: 2,
  data: 3,
  dataCr: 4,
  dataLf: 5,
  trailerStart: 6,
  trailerLine: 7,
  trailerLf: 8,
  endLf: 9,
} as const;
type State = (typeof S)[keyof typeof S];

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** RFC 9112 §7.1 chunked transfer coding, decoded. Trailer fields are read and dropped. */
class ChunkedReader implements BodyReader {
  #state: State = S.size;
  #size = 0;
  #digits = 0;
  #line = 0;
  #trailers = 0;

  feed(chunk: Buffer, emit: Emit): Feed {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.#state) {
        case S.data: {
          const take = Math.min(this.#size, n - i);
          emit(chunk.subarray(i, i + take));
          i += take;
          this.#size -= take;
          if (this.#size === 0) this.#state = S.dataCr;
          break;
        }
        case S.size: {
          const c = chunk[i++]!;
          const v = hexValue(c);
          if (v >= 0) {
            if (++this.#digits > MAX_SIZE_DIGITS) return { type: "invalid", reason: "chunk size too large" };
            this.#size = this.#size * 16 + v;
          } else if (this.#digits === 0) return { type: "invalid", reason: "chunk size missing" };
          else if (c === 0x0d) this.#state = S.sizeLf;
          else if (c === 0x3b || c === 0x20 || c === 0x09) {
            this.#state = S.ext;
            this.#line = this.#digits;
          } else return { type: "invalid", reason: "bad character in chunk size" };
          break;
        }
        case S.ext: {
          const c = chunk[i++]!;
          if (++this.#line > MAX_LINE) return { type: "invalid", reason: "chunk extension too long" };
          if (c === 0x0d) this.#state = S.sizeLf;
          else if (c === 0x0a) return { type: "invalid", reason: "bare LF in chunk size line" };
          break;
        }
        case S.sizeLf: {
          if (chunk[i++] !== 0x0a) return { type: "invalid", reason: "chunk size line not ended by CRLF" };
          this.#digits = 0;
          if (this.#size === 0) this.#state = S.trailerStart;
          else this.#state = S.data;
          break;
        }
        case S.dataCr:
          if (chunk[i++] !== 0x0d) return { type: "invalid", reason: "chunk data not followed by CRLF" };
          this.#state = S.dataLf;
          break;
        case S.dataLf:
          if (chunk[i++] !== 0x0a) return { type: "invalid", reason: "chunk data not followed by CRLF" };
          this.#state = S.size;
          break;
        case S.trailerStart: {
          const c = chunk[i++]!;
          if (++this.#trailers > MAX_TRAILERS) return { type: "invalid", reason: "trailer section too long" };
          if (c === 0x0d) this.#state = S.endLf;
          else if (c === 0x0a) return { type: "invalid", reason: "bare LF in trailers" };
          else this.#state = S.trailerLine;
          break;
        }
        case S.trailerLine: {
          const c = chunk[i++]!;
          if (++this.#trailers > MAX_TRAILERS) return { type: "invalid", reason: "trailer section too long" };
          if (c === 0x0d) this.#state = S.trailerLf;
          else if (c === 0x0a) return { type: "invalid", reason: "bare LF in trailers" };
          break;
        }
        case S.trailerLf:
          if (chunk[i++] !== 0x0a) return { type: "invalid", reason: "trailer line not ended by CRLF" };
          this.#state = S.trailerStart;
          break;
        case S.endLf:
          if (chunk[i++] !== 0x0a) return { type: "invalid", reason: "chunked body not ended by CRLF" };
          return done(n - i);
      }
    }
    return MORE;
  }
}
