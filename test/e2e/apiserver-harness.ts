/** Starting an API server on a free loopback port for end-to-end tests, and small fetch helpers. */

import { type ApiServerOptions, type RunningApiServer, startApiServer } from "../../src/apiserver/index.ts";
import { openStorage } from "../../src/storage/index.ts";
import type { Storage } from "../../src/storage/storage.ts";

/** A running server with its store. */
export interface Harness {
  server: RunningApiServer;
  storage: Storage;
  url: string;
  /** fetch relative to the server, JSON body in and parsed JSON out. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** Starts a server over `storage` (default: a fresh memory store). */
export async function startHarness(options: Partial<ApiServerOptions> = {}): Promise<Harness> {
  const storage = options.storage ?? (await openStorage({ type: "memory", dataDir: "/nonexistent" }));
  const server = await startApiServer({ listen: "127.0.0.1:0", ...options, storage });
  const call: Harness["call"] = async (method, path, body, headers = {}) => {
    const init: RequestInit = {
      method,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    };
    if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
    const res = await fetch(server.url + path, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // plain text responses (health) stay text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    server,
    storage,
    url: server.url,
    call,
    async close() {
      await server.close();
      if (!options.storage) await storage.close();
    },
  };
}

/** Reads newline-delimited watch events from a streaming response until `stop` says enough. */
export async function readEvents(res: Response, stop: (events: any[]) => boolean): Promise<any[]> {
  const events: any[] = [];
  const decoder = new TextDecoder();
  let buffered = "";
  const reader = res.body!.getReader();
  try {
    while (!stop(events)) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) events.push(JSON.parse(line));
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return events;
}
