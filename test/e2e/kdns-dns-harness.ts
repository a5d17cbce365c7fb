/**
 * The real `kdns up` with its DNS part, for DNS end-to-end tests: started as a child process on
 * loopback, ready once /readyz says so (every DNS plugin synced); plus `dig` and a raw UDP query
 * for measuring how fast an answer changes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import * as dnsPacket from "dns-packet";
import { childEnv, stillRunning } from "../support/child.ts";
import { type DigRecord, dig as runDig } from "../support/dig.ts";
import { BIN, type KdnsUp, NODE, startKdnsUp as startUp } from "../support/kdns-up.ts";
import { waitFor } from "../support/wait-for.ts";

export type { KdnsUp } from "../support/kdns-up.ts";

/** Starts `kdns up --store memory` with `args` added; resolves once DNS listens and /readyz is ok. */
export function startKdnsUp(apiPort: number, args: string[]): Promise<KdnsUp> {
  return startUp({
    args: ["--store", "memory", "--api-listen", `127.0.0.1:${apiPort}`, ...args],
    readyLine: /dns server listening on /,
  });
}

/** A running `kdns dns` child: its process, what it printed so far, and its exit code once it closes. */
export interface KdnsDns {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts `kdns dns --server <server> --health-listen 127.0.0.1:<health>` with `args` added;
 * resolves once its /readyz is ok (fails at once, with its output, if it exits first).
 */
export function startKdnsDns(server: string, health: number, args: string[]): Promise<KdnsDns> {
  return startKdnsPart("dns", server, health, args);
}

/** {@link startKdnsDns} for any component run alone: `kdns <command>` (`dns`, `gateway`, `controllers`). */
export async function startKdnsPart(command: string, server: string, health: number, args: string[]): Promise<KdnsDns> {
  const child = spawn(NODE, [BIN, command, "--server", server, "--health-listen", `127.0.0.1:${health}`, ...args], {
    env: childEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("close", (code) => r(code)));
  try {
    await waitFor(
      async () => {
        stillRunning(child, `kdns ${command}`, () => out);
        return (await fetch(`http://127.0.0.1:${health}/readyz`)).ok;
      },
      { timeoutMs: 30_000, what: `kdns ${command} /readyz` },
    );
  } catch (e) {
    if (child.exitCode === null) child.kill("SIGKILL");
    throw e;
  }
  return { child, output: () => out, exited };
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
