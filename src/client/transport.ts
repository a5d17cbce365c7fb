/**
 * HTTP(S) requests for the REST client over node:http and node:https. Not the global fetch: it
 * brings in undici, about 17 MB of memory in every process that talks to the API (DNS replicas,
 * controllers, the gateway), and it takes a CA only through an undici Agent.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** How to check the server's certificate. */
export interface TlsTrust {
  /** PEM CA certificate(s) to trust instead of the system's. */
  ca?: string;
  /** Accept any certificate (kubectl's `--insecure-skip-tls-verify`). */
  insecureSkipTlsVerify?: boolean;
}

/** What one request sends. */
export interface TransportRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** A response whose body is read once: whole (`text`), or streamed (`body`). */
export interface TransportResponse {
  status: number;
  statusText: string;
  ok: boolean;
  text(): Promise<string>;
  body: AsyncIterable<Buffer>;
}

/** Sends one request. Failures to connect reject with a TypeError whose `cause` carries the socket's code, as fetch does. */
export type Transport = (url: string, init: TransportRequest) => Promise<TransportResponse>;

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A transport with its own keep-alive connections, for `http:` or `https:` servers. */
export function nodeTransport(trust: TlsTrust = {}): Transport {
  const http = new HttpAgent({ keepAlive: true });
  const https = new HttpsAgent({
    keepAlive: true,
    rejectUnauthorized: trust.insecureSkipTlsVerify !== true,
    ...(trust.ca !== undefined ? { ca: trust.ca } : {}),
  });
  const send = (url: string, init: TransportRequest, retried: boolean): Promise<TransportResponse> =>
    new Promise<TransportResponse>((resolve, reject) => {
      const secure = url.startsWith("https:");
      // Node sends a DELETE's body neither chunked nor with a length unless told: the length is set.
      const length = init.body !== undefined ? { "content-length": String(Buffer.byteLength(init.body)) } : {};
      const options = {
        method: init.method,
        headers: { ...init.headers, ...length },
        agent: secure ? https : http,
        ...(init.signal ? { signal: init.signal } : {}),
      };
      const req = (secure ? httpsRequest : httpRequest)(url, options, (res) => {
        const status = res.statusCode ?? 500;
        resolve({
          status,
          statusText: res.statusMessage ?? "",
          ok: status >= 200 && status < 300,
          text: () => readAll(res),
          body: res,
        });
      });
      req.on("error", (err: NodeJS.ErrnoException) => {
        if (init.signal?.aborted) return reject(init.signal.reason);
        // A kept-alive connection the server closed as it went idle, just as this request was
        // written on it: the server read none of it, so it is sent again once, on a new connection.
        if (!retried && req.reusedSocket && (err.code === "ECONNRESET" || err.code === "EPIPE"))
          return resolve(send(url, init, true));
        reject(new TypeError("fetch failed", { cause: err }));
      });
      req.end(init.body);
    });
  return (url, init) => send(url, init, false);
}
