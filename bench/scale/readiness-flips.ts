/**
 * Pods changing readiness at a steady rate while the cluster is full: for each change, how long
 * after the API acknowledged the pod's status write the EndpointSlice showing it reached a
 * watcher (the endpoints controller's lag), and how long until DNS answered with it.
 */
import { resourceByPath } from "../../src/api/resources.ts";
import type { EndpointSlice } from "../../src/api/types.ts";
import type { RestClient } from "../../src/client/rest-client.ts";
import { DnsProbe } from "../support/dns-probe.ts";
import { progress } from "../support/proc.ts";

/** A pod of a headless Service (its readiness shows in the Service's A records). */
export interface FlipTarget {
  namespace: string;
  pod: string;
  ip: string;
  service: string;
}

/** Lags in ms; `missed` changes never seen within the timeout. */
export interface FlipResult {
  sliceLag: number[];
  dnsLag: number[];
  missed: number;
}

const slicesInfo = resourceByPath("discovery.k8s.io", "endpointslices")!;
const podsInfo = resourceByPath("", "pods")!;
const TIMEOUT_MS = 10_000;

/** Flips `perSecond` pods a second for `seconds`, cycling through `targets` (each starts Ready). */
export async function readinessFlips(
  client: RestClient,
  dnsPort: number,
  targets: readonly FlipTarget[],
  options: { perSecond: number; seconds: number; zone: string },
): Promise<FlipResult> {
  const ready = new Map(targets.map((t) => [`${t.namespace}/${t.pod}`, true]));
  const pending = new Map<string, { ready: boolean; seen: (at: number) => void }>();
  const start = await client.list(slicesInfo, undefined, { limit: 1 });
  const ac = new AbortController();
  const watching = (async () => {
    for await (const ev of client.watch<EndpointSlice>(
      slicesInfo,
      undefined,
      { resourceVersion: start.metadata.resourceVersion },
      ac.signal,
    )) {
      const now = performance.now();
      if (ev.type !== "ADDED" && ev.type !== "MODIFIED") continue;
      for (const ep of ev.object.endpoints ?? []) {
        const key = `${ep.targetRef?.namespace}/${ep.targetRef?.name}`;
        const p = pending.get(key);
        if (p && (ep.conditions?.ready === true) === p.ready) {
          pending.delete(key);
          p.seen(now);
        }
      }
    }
  })().catch(() => undefined);

  const result: FlipResult = { sliceLag: [], dnsLag: [], missed: 0 };
  const flip = async (t: FlipTarget): Promise<void> => {
    const key = `${t.namespace}/${t.pod}`;
    const want = !ready.get(key);
    ready.set(key, want);
    let seenAt: number | undefined;
    const sliceSeen = new Promise<void>((resolve) => {
      pending.set(key, {
        ready: want,
        seen: (at) => {
          seenAt = at;
          resolve();
        },
      });
    });
    await client.patch(
      podsInfo,
      t.namespace,
      t.pod,
      { status: { conditions: [{ type: "Ready", status: want ? "True" : "False" }] } },
      "application/merge-patch+json",
      "status",
    );
    const acked = performance.now();
    const name = `${t.service}.${t.namespace}.svc.${options.zone}`;
    const probe = await DnsProbe.open(dnsPort);
    let dnsAt: number | undefined;
    try {
      while (performance.now() - acked < TIMEOUT_MS) {
        const r = await probe.ask(name, "A", 500);
        if (r && r.answers.includes(t.ip) === want) {
          dnsAt = performance.now();
          break;
        }
        await new Promise((res) => setTimeout(res, 2));
      }
    } finally {
      probe.close();
    }
    await Promise.race([
      sliceSeen,
      new Promise((r) => setTimeout(r, Math.max(0, TIMEOUT_MS - (performance.now() - acked)))),
    ]);
    pending.delete(key);
    if (seenAt === undefined || dnsAt === undefined) result.missed++;
    if (seenAt !== undefined) result.sliceLag.push(Math.max(0, seenAt - acked));
    if (dnsAt !== undefined) result.dnsLag.push(dnsAt - acked);
  };

  const total = options.perSecond * options.seconds;
  const began = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = began + (i * 1000) / options.perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    running.push(flip(targets[i % targets.length]!));
    if ((i + 1) % options.perSecond === 0) progress(`readiness flips: ${i + 1}/${total}`);
  }
  await Promise.all(running);
  ac.abort();
  await watching;
  return result;
}
