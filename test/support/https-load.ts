/**
 * Steady HTTPS load for rotation tests, from Node's HTTPS client as an application uses it: some
 * workers on keep-alive connections (which also sit idle in the agent between requests), one that
 * opens a new connection (a full handshake) for every request, each request verified against the
 * test CA. A request is retried once, on a new connection, only when RFC 9112 §9.3.1 lets a client
 * do so by itself — an idempotent request whose connection closed before any byte of an answer
 * (browsers and curl do it for a reused keep-alive connection) — and such retries are counted
 * apart, by whether the connection was a reused one; anything else that is not a 200 is a failure.
 */
import { Agent, request } from "node:https";

/** Where the load goes. */
export interface HttpsLoadOptions {
  /** Connect here (a loopback address) … */
  address: string;
  port: number;
  /** … asking for this name (SNI and Host). */
  host: string;
  /** Paths the keep-alive workers take turns on. */
  paths: string[];
  /** CA PEM to verify the server with. */
  ca: string;
  /** Keep-alive workers (default 6). */
  keepAlive?: number;
  /** Workers with a new connection per request (default 1). */
  fresh?: number;
}

/** What the load saw. */
export interface HttpsLoadResult {
  ok: number;
  /** Requests that got no 200 (after the one retry allowed). */
  failures: string[];
  /** Requests retried because their reused keep-alive connection closed before an answer. */
  retried: number;
  /** Requests retried because their new connection closed before an answer. */
  retriedNew: number;
  /** Requests on new connections (each a full TLS handshake). */
  fresh: number;
}

/** A running load. */
export interface HttpsLoad {
  /** Requests answered so far. */
  readonly ok: number;
  /** Stops after the requests in flight and reports. */
  stop(): Promise<HttpsLoadResult>;
}

const RETRYABLE = new Set(["ECONNRESET", "EPIPE"]);

/** Starts the load; see the file comment. */
export function startHttpsLoad(options: HttpsLoadOptions): HttpsLoad {
  const agent = new Agent({ keepAlive: true, maxSockets: options.keepAlive ?? 6, ca: options.ca });
  const result: HttpsLoadResult = { ok: 0, failures: [], retried: 0, retriedNew: 0, fresh: 0 };
  let running = true;

  /**
   * One GET; resolves with the status or rejects with the error, whether a retry is allowed and
   * whether the connection was a reused one.
   */
  const get = (path: string, fresh: boolean): Promise<number> =>
    new Promise((resolve, reject) => {
      let answered = false;
      const req = request(
        {
          host: options.address,
          port: options.port,
          servername: options.host,
          path,
          headers: { host: `${options.host}:${options.port}` },
          ...(fresh ? { agent: false, ca: options.ca } : { agent }),
          timeout: 10_000,
        },
        (res) => {
          answered = true;
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out`)));
      req.on("error", (err: NodeJS.ErrnoException) =>
        reject(Object.assign(err, { retryable: !answered && RETRYABLE.has(err.code ?? ""), reused: req.reusedSocket })),
      );
      req.end();
    });

  const worker = async (offset: number, fresh: boolean): Promise<void> => {
    const { paths } = options;
    for (let i = offset; running; i++) {
      const path = paths[i % paths.length]!;
      let status: number;
      let retry = false;
      try {
        try {
          status = await get(path, fresh);
        } catch (err) {
          const { retryable, reused } = err as { retryable?: boolean; reused?: boolean };
          if (!retryable) throw err;
          if (reused) result.retried++;
          else result.retriedNew++;
          retry = true;
          status = await get(path, true);
        }
      } catch (err) {
        const how = retry ? "retried on a new connection" : fresh ? "new connection" : "kept-alive connection";
        result.failures.push(`${path} (${how}): ${(err as Error).message}`);
        continue;
      }
      if (status === 200) result.ok++;
      else result.failures.push(`${path}: status ${status}`);
      if (fresh) result.fresh++;
    }
  };

  const workers = [
    ...Array.from({ length: options.keepAlive ?? 6 }, (_, i) => worker(i, false)),
    ...Array.from({ length: options.fresh ?? 1 }, (_, i) => worker(i, true)),
  ];
  return {
    get ok() {
      return result.ok;
    },
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return result;
    },
  };
}
