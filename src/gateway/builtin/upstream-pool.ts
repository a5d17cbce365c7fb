/**
 * Keep-alive connections to backends on plain `net` sockets, for the built-in engine: idle ones
 * per backend, reused last-in first-out (the warmest first), closed after an idle timeout. Each
 * socket gets its listeners once, for its whole life; the request it currently carries is an
 * {@link Exchange} it forwards events to. Bytes that arrive on an idle connection, or an idle
 * connection timing out, close it.
 */
import { connect, type Socket } from "node:net";
import type { Backend } from "../routes/model.ts";

/** What a connection reports to the request it carries. */
export interface Exchange {
  onData(chunk: Buffer): void;
  /** The connection closed; `error` is the socket error's code when it failed. */
  onClose(error: string | undefined): void;
  /** Connect or read timeout (see {@link UpstreamPool.acquire}); the exchange decides. */
  onTimeout(): void;
}

/** One backend connection. */
export interface Upstream {
  readonly socket: Socket;
  readonly key: string;
  /** It carried an earlier request (so a close before any byte may just be a stale keep-alive). */
  reused: boolean;
  exchange: Exchange | undefined;
  error: string | undefined;
}

/** Options of {@link UpstreamPool}. */
export interface UpstreamPoolOptions {
  /** Idle connections kept per backend. */
  maxIdle: number;
  /** An idle connection is closed after this long. */
  idleMs: number;
}

/** The pool. */
export class UpstreamPool {
  readonly #idle = new Map<string, Upstream[]>();
  readonly #all = new Set<Upstream>();
  readonly #options: UpstreamPoolOptions;

  constructor(options: UpstreamPoolOptions) {
    this.#options = options;
  }

  /**
   * A connection to `backend` for `exchange`: an idle one, or a new one. The socket's timeout is
   * `connectMs` while connecting, then `readMs` (the exchange's {@link Exchange.onTimeout} fires).
   */
  acquire(backend: Backend, exchange: Exchange, connectMs: number, readMs: number): Upstream {
    const key = `${backend.ip}:${backend.port}`;
    const idle = this.#idle.get(key);
    const pooled = idle?.pop();
    if (pooled) {
      pooled.reused = true;
      pooled.exchange = exchange;
      pooled.socket.ref();
      pooled.socket.setTimeout(readMs);
      return pooled;
    }
    const socket = connect({ host: backend.ip, port: backend.port, noDelay: true });
    const up: Upstream = { socket, key, reused: false, exchange, error: undefined };
    this.#all.add(up);
    socket.setTimeout(connectMs);
    socket.once("connect", () => socket.setTimeout(readMs));
    socket.on("data", (chunk: Buffer) => {
      if (up.exchange) up.exchange.onData(chunk);
      else socket.destroy();
    });
    socket.on("timeout", () => {
      if (up.exchange) up.exchange.onTimeout();
      else socket.destroy();
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      up.error ??= err.code ?? err.message;
    });
    socket.on("close", () => {
      this.#all.delete(up);
      const list = this.#idle.get(key);
      const at = list ? list.indexOf(up) : -1;
      if (list && at >= 0) list.splice(at, 1);
      const exchange = up.exchange;
      up.exchange = undefined;
      exchange?.onClose(up.error);
    });
    return up;
  }

  /** Returns a connection whose response ended cleanly; it waits for the next request. */
  release(up: Upstream): void {
    up.exchange = undefined;
    if (up.socket.destroyed) return;
    let list = this.#idle.get(up.key);
    if (!list) this.#idle.set(up.key, (list = []));
    if (list.length >= this.#options.maxIdle) {
      up.socket.destroy();
      return;
    }
    up.socket.setTimeout(this.#options.idleMs);
    up.socket.resume();
    up.socket.unref();
    list.push(up);
  }

  /** Closes every connection, idle or busy. */
  destroy(): void {
    for (const up of this.#all) up.socket.destroy();
    this.#idle.clear();
  }
}
