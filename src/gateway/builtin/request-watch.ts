/**
 * The built-in engine's view of one request for the metrics and the access log: made when the
 * request arrives (only when either is on), told where routing sent it, told by `forward` which
 * backend answered, and read once when the response closes. Counting is a few typed-array adds
 * into the route's series (see metrics/route-series.ts); the access log entry is made only when
 * there is an access log.
 */
import { formatHostPort } from "../../machinery/host-port.ts";
import type { RouteSeries } from "../metrics/route-series.ts";
import type { RequestObservers } from "../observers.ts";
import type { Backend } from "../routes/model.ts";
import type { ForwardTrace } from "./forward.ts";
import type { Routing } from "./lookup.ts";

/** nginx's status for a request whose client closed the connection before the response was sent. */
const CLIENT_CLOSED = 499;

/** The request as the watch reads it (node:http's or node:http2's compatibility request). */
interface WatchedRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: { host?: string | undefined; ":authority"?: string | string[] | undefined };
}

/** The response as the watch reads it. */
interface WatchedResponse {
  readonly statusCode: number;
  readonly writableFinished: boolean;
  readonly headersSent: boolean;
  once(event: "close", listener: () => void): unknown;
}

/** One request under watch. */
export class RequestWatch implements ForwardTrace {
  upstream: Backend | undefined = undefined;
  bytes = 0;
  #series: RouteSeries | undefined = undefined;
  #record: string | null = null;
  #host: string | undefined = undefined;
  readonly #observers: RequestObservers;
  readonly #req: WatchedRequest;
  readonly #res: WatchedResponse;
  readonly #client: string;
  readonly #socket: { readonly bytesWritten: number } | undefined;
  readonly #startBytes: number;
  readonly #start = performance.now();

  /**
   * Watches `req`; `socket` is the client connection when its byte count is this request's alone
   * (HTTP/1.1), else undefined and the body bytes `forward` counts stand in (HTTP/2).
   */
  constructor(
    observers: RequestObservers,
    req: WatchedRequest,
    res: WatchedResponse,
    client: string,
    socket?: { readonly bytesWritten: number },
  ) {
    this.#observers = observers;
    this.#req = req;
    this.#res = res;
    this.#client = client;
    this.#socket = socket;
    this.#startBytes = socket?.bytesWritten ?? 0;
    res.once("close", () => this.#done());
  }

  /** Routing sent the request for `host` to `r`. */
  routed(host: string, r: Routing): void {
    this.#host = host;
    switch (r.type) {
      case "route":
      case "unavailable":
      case "error":
        this.#series = r.at.series;
        this.#record = r.at.record;
        return;
      case "no-path":
      case "redirect":
        this.#series = r.host.series;
        return;
    }
  }

  #done(): void {
    const res = this.#res;
    const status = res.writableFinished || res.headersSent ? res.statusCode : CLIENT_CLOSED;
    const seconds = (performance.now() - this.#start) / 1000;
    const bytes = this.#socket ? this.#socket.bytesWritten - this.#startBytes : this.bytes;
    const method = this.#req.method ?? "GET";
    const { metrics, accessLog } = this.#observers;
    if (metrics && this.#series) metrics.observe(this.#series, method, status, seconds, bytes);
    if (!accessLog) return;
    const authority = this.#req.headers[":authority"];
    accessLog.write({
      time: Date.now(),
      client: this.#client,
      host: this.#host ?? (typeof authority === "string" ? authority : (this.#req.headers.host ?? "")),
      method,
      path: this.#req.url ?? "",
      status,
      bytes,
      duration: seconds,
      upstream: this.upstream ? formatHostPort({ host: this.upstream.ip, port: this.upstream.port }) : null,
      route: this.#record,
    });
  }
}
