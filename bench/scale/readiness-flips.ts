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

/** Lags in ms; `missed` changes never seen within the timeout; `changes` status writes made. */
export interface FlipResult {
  changes: number;
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

  const dns = await DnsWatcher.open(dnsPort);
  const result: FlipResult = { changes: 0, sliceLag: [], dnsLag: [], missed: 0 };
  const flip = async (t: FlipTarget): Promise<void> => {
    result.changes++;
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
    const dnsAt = await dns.seen(`${t.service}.${t.namespace}.svc.${options.zone}`, t.ip, want);
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
  const busy = new Set<string>();
  const keyOf = (t: FlipTarget): string => `${t.namespace}/${t.pod}`;
  const began = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = began + (i * 1000) / options.perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // A pod whose last change is still on its way is skipped: two changes in flight could not be told apart.
    let pick = i;
    while (pick < i + targets.length && busy.has(keyOf(targets[pick % targets.length]!))) pick++;
    const target = targets[pick % targets.length]!;
    if (busy.has(keyOf(target))) continue;
    busy.add(keyOf(target));
    running.push(flip(target).finally(() => busy.delete(keyOf(target))));
    if ((i + 1) % options.perSecond === 0) progress(`readiness flips: ${i + 1}/${total}`);
  }
  await Promise.all(running);
  ac.abort();
  dns.close();
  await watching;
  return result;
}

/**
 * Polls DNS for the names changes wait on: each name once per tick however many changes wait on
 * it, so a backlog does not multiply the queries (the load would then be the benchmark's own).
 */
class DnsWatcher {
  readonly #probe: DnsProbe;
  readonly #waiting = new Map<string, { ip: string; present: boolean; since: number; done: (at?: number) => void }[]>();
  readonly #timer: NodeJS.Timeout;
  #busy = false;

  private constructor(probe: DnsProbe) {
    this.#probe = probe;
    this.#timer = setInterval(() => void this.#tick(), 5);
  }

  static async open(port: number): Promise<DnsWatcher> {
    return new DnsWatcher(await DnsProbe.open(port));
  }

  /** When `name`'s A records first showed `ip` present (or absent), or undefined after the timeout. */
  seen(name: string, ip: string, present: boolean): Promise<number | undefined> {
    return new Promise((done) => {
      let list = this.#waiting.get(name);
      if (!list) this.#waiting.set(name, (list = []));
      list.push({ ip, present, since: performance.now(), done });
    });
  }

  async #tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (const [name, list] of [...this.#waiting]) {
        const r = await this.#probe.ask(name, "A", 500);
        const now = performance.now();
        const rest = list.filter((w) => {
          if (r && r.answers.includes(w.ip) === w.present) w.done(now);
          else if (now - w.since > TIMEOUT_MS) w.done(undefined);
          else return true;
          return false;
        });
        if (rest.length === 0) this.#waiting.delete(name);
        else this.#waiting.set(name, rest);
      }
    } finally {
      this.#busy = false;
    }
  }

  close(): void {
    clearInterval(this.#timer);
    for (const list of this.#waiting.values()) for (const w of list) w.done(undefined);
    this.#probe.close();
  }
}
