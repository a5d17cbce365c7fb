/** Small HTTP helpers of the gateway benchmark: one request on a fresh connection, wait for 200. */
import { request } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Child } from "../support/proc.ts";

/** Status and body of one GET. */
export interface Got {
  status: number;
  body: string;
}

/**
 * GET `url` on a new connection (no keep-alive pool), with an optional Host header; an https URL
 * is fetched without verifying the certificate (the benchmark's is self-signed).
 */
export function get(url: string, host?: string, timeoutMs = 2000): Promise<Got> {
  const secure = url.startsWith("https:");
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : request)(
      url,
      {
        agent: false,
        headers: { connection: "close", ...(host ? { host } : {}) },
        timeout: timeoutMs,
        ...(secure ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`GET ${url}: timeout`)));
    req.on("error", reject);
    req.end();
  });
}

/** Waits (bounded) until `url` answers 200 and the body passes `accept`. */
export async function waitHttp(
  url: string,
  host: string | undefined,
  child?: Child,
  accept: (body: string) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (child && (child.proc.exitCode !== null || child.proc.signalCode !== null))
      throw new Error(`${url}: process exited:\n${child.output()}`);
    try {
      const r = await get(url, host);
      if (r.status === 200 && accept(r.body)) return;
      last = `${r.status} ${r.body.slice(0, 100)}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} (Host ${host ?? "-"}) not serving: ${last}\n${child?.output().slice(-2000) ?? ""}`);
}
