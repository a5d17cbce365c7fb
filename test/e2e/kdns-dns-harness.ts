/**
 * The real `kdns up` with its DNS part, for DNS end-to-end tests: started as a child process on
 * loopback, ready once /readyz says so (every DNS plugin synced); plus `dig` and a raw UDP query
 * for measuring how fast an answer changes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dig as runDig, type DigRecord } from "../support/dig.ts";
import { createSocket } from "node:dgram";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as dnsPacket from "dns-packet";
import { waitFor } from "../support/wait-for.ts";

const ROOT = resolve(import.meta.dirname, "../..");
/** Node 24 from the npm package (the system node may be older). */
export const NODE = join(ROOT, "node_modules/.bin/node");
/** The kdns entry point. */
export const BIN = join(ROOT, "src/bin/kdns.ts");

/** A running `kdns up`. */
export interface KdnsUp {
  /** API base URL. */
  server: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Kills it (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts `kdns up --store memory` with `args` added; resolves once DNS listens and /readyz is ok. */
export async function startKdnsUp(apiPort: number, args: string[]): Promise<KdnsUp> {
  // Its data dir (the kubeconfig it writes) goes to a temp dir removed on stop.
  const dataDir = await mkdtemp(join(tmpdir(), "kdns-dns-e2e-"));
  const child = spawn(NODE, [BIN, "up", "--store", "memory", "--api-listen", `127.0.0.1:${apiPort}`, "--data-dir", dataDir, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once("close", () => r()));
  const server = `http://127.0.0.1:${apiPort}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const hard = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(hard);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`kdns up exited: ${out}`);
        // /readyz can be ok a moment before the DNS part has started and added its check.
        if (!/dns server listening on /.test(out)) return false;
        return (await fetch(`${server}/readyz`)).ok;
      },
      { timeoutMs: 30_000, intervalMs: 50, what: "kdns up's DNS listening and /readyz ok" },
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- kdns up output ---\n${out}`);
  }
  return { server, child, output: () => out, stop };
}

/** Sends a JSON request to the API; returns status and parsed body. */
export async function api(server: string, method: string, path: string, body?: string | object): Promise<{ status: number; body: any }> {
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
export function udpQuery(host: string, port: number, name: string, type: dnsPacket.RecordType = "A", timeoutMs = 1_000): Promise<dnsPacket.Packet & { rcode?: string }> {
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
    sock.send(dnsPacket.encode({ type: "query", id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: "IN" }] }), port, host);
  });
}
