/**
 * An HTTP/1.1 client on a plain socket, for hostile-input tests: it writes exactly the bytes a test
 * gives it (no library normalises the request) and parses what comes back incrementally, so a test
 * can pipeline, trickle a head byte by byte, wait for `100 Continue`, or see the server close.
 */
import { connect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

/** One response as it came off the wire (interim 1xx responses included). */
export interface RawResponse {
  status: number;
  /** Status line and header lines as sent, without the final CRLFCRLF. */
  head: string;
  /** Header fields in order, names lowercased. */
  headers: [string, string][];
  /** The body, chunked framing removed. */
  body: Buffer;
}

/** The value of the first header field `name` (lowercase), if any. */
export function header(response: RawResponse, name: string): string | undefined {
  return response.headers.find(([n]) => n === name)?.[1];
}

const CRLFCRLF = Buffer.from("\r\n\r\n");

type Parsed = { response: RawResponse; size: number } | { error: string } | undefined;

/**
 * One complete response at the start of `buf`; `undefined` while incomplete; `closed` ends a body
 * without framing; `head` when it answers HEAD (no body, whatever its fields say).
 */
function parseResponse(buf: Buffer, closed: boolean, answersHead: boolean): Parsed {
  const end = buf.indexOf(CRLFCRLF);
  if (end < 0) return undefined;
  const head = buf.toString("latin1", 0, end);
  const lines = head.split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? "");
  if (!m) return { error: `bad status line ${JSON.stringify(lines[0])}` };
  const status = Number(m[1]);
  const headers: [string, string][] = lines.slice(1).map((l) => {
    const colon = l.indexOf(":");
    return [l.slice(0, colon).toLowerCase(), l.slice(colon + 1).trim()];
  });
  const start = end + 4;
  const done = (body: Buffer, size: number): Parsed => ({ response: { status, head, headers, body }, size });
  if (status < 200 || status === 204 || status === 304 || answersHead) return done(Buffer.alloc(0), start);
  const te = headers.find(([n]) => n === "transfer-encoding")?.[1];
  const cl = headers.find(([n]) => n === "content-length")?.[1];
  if (te !== undefined && /chunked\s*$/i.test(te)) {
    const parts: Buffer[] = [];
    for (let at = start; ; ) {
      const eol = buf.indexOf("\r\n", at);
      if (eol < 0) return undefined;
      const size = Number.parseInt(buf.toString("latin1", at, eol), 16);
      if (Number.isNaN(size)) return { error: `bad chunk size at ${at}` };
      if (size === 0) {
        const trailerEnd = buf.indexOf(CRLFCRLF, eol);
        if (buf.subarray(eol, eol + 4).equals(CRLFCRLF)) return done(Buffer.concat(parts), eol + 4);
        return trailerEnd < 0 ? undefined : done(Buffer.concat(parts), trailerEnd + 4);
      }
      if (buf.length < eol + 2 + size + 2) return undefined;
      parts.push(buf.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
  }
  if (cl !== undefined) {
    const length = Number(cl);
    if (buf.length < start + length) return undefined;
    return done(Buffer.from(buf.subarray(start, start + length)), start + length);
  }
  return closed ? done(Buffer.from(buf.subarray(start)), buf.length) : undefined;
}

/** A client connection; see the file comment. */
export class RawClient {
  readonly socket: Socket;
  /** Every response so far, in order. */
  readonly responses: RawResponse[] = [];
  /** When each response was complete (`performance.now()`). */
  readonly respondedAt: number[] = [];
  /** Set once the server closed (or reset) the connection. */
  closedAt: number | undefined;
  /** Final responses still to come that answer HEAD requests (set by whoever sends them). */
  headResponses = 0;
  /** A response that could not be parsed, or a socket error; said in every later failure. */
  error: string | undefined;
  readonly openedAt = performance.now();
  #buf = Buffer.alloc(0);
  #waiters = new Set<() => void>();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      this.#parse(false);
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      this.error ??= `socket error ${err.code ?? err.message}`;
    });
    socket.on("close", () => {
      this.#parse(true);
      this.closedAt = performance.now();
      this.#wake();
    });
  }

  /**
   * Connects to `host:port` — with `tls`, over TLS asking for `servername` and offering only
   * HTTP/1.1 (the certificate is not verified: these tests are about HTTP); a refused connection
   * rejects with its cause.
   */
  static connect(port: number, host = "127.0.0.1", tls?: { servername: string }): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = tls
        ? tlsConnect({ port, host, servername: tls.servername, ALPNProtocols: ["http/1.1"], rejectUnauthorized: false })
        : connect({ port, host, noDelay: true });
      socket.setNoDelay(true);
      socket.once("error", reject);
      socket.once(tls ? "secureConnect" : "connect", () => {
        socket.off("error", reject);
        resolve(new RawClient(socket));
      });
    });
  }

  #parse(closed: boolean): void {
    for (;;) {
      if (this.error !== undefined || this.#buf.length === 0) break;
      const p = parseResponse(this.#buf, closed, this.headResponses > 0);
      if (p === undefined) break;
      if ("error" in p) {
        this.error = p.error;
        break;
      }
      if (p.response.status >= 200 && this.headResponses > 0) this.headResponses--;
      this.responses.push(p.response);
      this.respondedAt.push(performance.now());
      this.#buf = this.#buf.subarray(p.size);
    }
    this.#wake();
  }

  #wake(): void {
    for (const w of this.#waiters) w();
  }

  /** Bytes received after the last complete response. */
  get pending(): Buffer {
    return this.#buf;
  }

  /** Writes `data` as is (a string as latin1, so every char is one byte). */
  write(data: string | Buffer): void {
    this.socket.write(typeof data === "string" ? Buffer.from(data, "latin1") : data);
  }

  /** Resolves once `holds()` is true; rejects after `timeoutMs` saying `what` and what arrived. */
  #until(holds: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (holds()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!holds()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${this.describe()}`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  /** What arrived so far, for failure messages. */
  describe(): string {
    const got = this.responses.map((r) => r.status).join(", ") || "none";
    const rest = this.#buf.length > 0 ? `, then ${JSON.stringify(this.#buf.toString("latin1", 0, 200))}` : "";
    const state = this.closedAt !== undefined ? "closed" : "open";
    return `responses [${got}]${rest}, connection ${state}${this.error ? `, ${this.error}` : ""}`;
  }

  /** The first `n` responses, once they arrived (default timeout 5 s). */
  async read(n: number, timeoutMs = 5_000): Promise<RawResponse[]> {
    await this.#until(() => this.responses.length >= n || this.closedAt !== undefined, `${n} response(s)`, timeoutMs);
    if (this.responses.length < n)
      throw new Error(`connection closed before ${n} response(s) arrived; ${this.describe()}`);
    return this.responses.slice(0, n);
  }

  /** Resolves with the milliseconds from connect to close once the server closed the connection. */
  async closed(timeoutMs = 5_000): Promise<number> {
    await this.#until(() => this.closedAt !== undefined, "the server to close the connection", timeoutMs);
    return this.closedAt! - this.openedAt;
  }

  /** Closes the connection from this side. */
  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Sends `bytes` on a new connection and returns the first final (non-1xx) response together with
 * the client, whose connection is still as the server left it; the caller destroys it.
 */
export async function rawRequest(
  port: number,
  bytes: string | Buffer,
  host = "127.0.0.1",
  tls?: { servername: string },
): Promise<{ response: RawResponse; client: RawClient }> {
  const client = await RawClient.connect(port, host, tls);
  client.write(bytes);
  for (let n = 1; ; n++) {
    const responses = await client.read(n).catch((err: unknown) => {
      client.destroy();
      throw err;
    });
    const last = responses[n - 1]!;
    if (last.status >= 200) return { response: last, client };
  }
}
