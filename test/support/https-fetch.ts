/**
 * A `fetch` over `node:https` with a caller-chosen trust anchor, for tests that talk to a TLS API
 * server with fetch-style code. Node's global fetch (undici) takes a CA only through an undici
 * `Agent`; `node:https` takes one per agent. String bodies, signal and streaming are supported.
 */
import { Agent, request } from "node:https";
import { Readable } from "node:stream";
import type { TlsTrust } from "../../src/client/transport.ts";

/** The fetch-shaped function these tests call. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** A fetch that verifies servers against `trust`; connections are kept alive per client. */
export function httpsFetch(trust: TlsTrust): FetchLike {
  const agent = new Agent({
    keepAlive: true,
    rejectUnauthorized: trust.insecureSkipTlsVerify !== true,
    ...(trust.ca !== undefined ? { ca: trust.ca } : {}),
  });
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const method = init.method ?? "GET";
      const options = {
        method,
        headers: Object.fromEntries(new Headers(init.headers)),
        agent,
        ...(init.signal ? { signal: init.signal } : {}),
      };
      const req = request(url, options, (res) => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
        }
        const status = res.statusCode ?? 500;
        const empty = status === 204 || status === 304 || method === "HEAD";
        if (empty) res.resume();
        const body = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        resolve(new Response(body, { status, statusText: res.statusMessage ?? "", headers }));
      });
      // The same shape as a failed global fetch: a TypeError whose cause carries the socket's code.
      req.on("error", (err) =>
        reject(init.signal?.aborted ? init.signal.reason : new TypeError("fetch failed", { cause: err })),
      );
      req.end(typeof init.body === "string" ? init.body : undefined);
    });
}
