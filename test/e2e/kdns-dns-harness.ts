/**
 * The real `kdns up` with its DNS part, for DNS end-to-end tests: started as a child process on
 * loopback, ready once /readyz says so (every DNS plugin synced); plus `dig` and a raw UDP query
 * for measuring how fast an answer changes.
 */
import { createSocket } from "node:dgram";
import * as dnsPacket from "dns-packet";
import { type DigRecord, dig as runDig } from "../support/dig.ts";
import { type KdnsUp, startKdnsUp as startUp } from "../support/kdns-up.ts";

export type { KdnsUp } from "../support/kdns-up.ts";

/** Starts `kdns up --store memory` with `args` added; resolves once DNS listens and /readyz is ok. */
export function startKdnsUp(apiPort: number, args: string[]): Promise<KdnsUp> {
  return startUp({
    args: ["--store", "memory", "--api-listen", `127.0.0.1:${apiPort}`, ...args],
    readyLine: /dns server listening on /,
  });
}

/** Sends a JSON request to the API; returns status and parsed body. */
export async function api(
  server: string,
  method: string,
  path: string,
  body?: string | object,
): Promise<{ status: number; body: any }> {
  const init: RequestInit = { method, headers: { "content-type": "application/json", accept: "application/json" } };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const res = await fetch(server + path, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** What dig printed, read back: status, whether AA was set, and the answer records. */
export interface DigResult {
  status: string;
  aa: boolean;
  answers: DigRecord[];
  authority: DigRecord[];
  raw: string;
}

/** Runs `dig @host -p port name type` (one try, 2 s) through the shared dig runner. */
export async function dig(host: string, port: number, name: string, type = "A"): Promise<DigResult> {
  const r = await runDig(host, port, [name, type, "+nocookie"]);
  return { status: r.status, aa: r.flags.includes("aa"), answers: r.answer, authority: r.authority, raw: r.raw };
}

/** One UDP query from this process (no child process, so polling can be fine-grained). */
export function udpQuery(
  host: string,
  port: number,
  name: string,
  type: dnsPacket.RecordType = "A",
  timeoutMs = 1_000,
): Promise<dnsPacket.Packet & { rcode?: string }> {
  return new Promise((resolvePromise, reject) => {
    const sock = createSocket(host.includes(":") ? "udp6" : "udp4");
    const id = Math.floor(Math.random() * 65535);
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error(`no answer from ${host}:${port} for ${name} ${type} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on("message", (msg) => {
      const p = dnsPacket.decode(msg) as dnsPacket.Packet & { rcode?: string };
      if (p.id !== id) return;
      clearTimeout(timer);
      sock.close();
      resolvePromise(p);
    });
    sock.send(
      dnsPacket.encode({
        type: "query",
        id,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: [{ name, type, class: "IN" }],
      }),
      port,
      host,
    );
  });
}
