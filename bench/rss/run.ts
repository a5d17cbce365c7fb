/**
 * Where the memory of `kdns up` (embedded store) goes at scale: loads N Services and M Pods
 * through the API (as `bench:scale` does), waits until the controllers stop writing, then prints
 * resident memory split into anonymous pages (the heap and native allocations) and file pages
 * (LMDB's mapped data file), with V8's heap figures from /metrics; then restarts `kdns up` on the
 * same data and prints the same after it is ready. A diagnostic, not a benchmark: it writes no
 * results. Usage: `node bench/rss/run.ts [--services=10000] [--pods=100000] [--data=DIR]`; with
 * `--data` of a directory loaded before, the load is skipped and only the restart is measured.
 */
import { mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resourceByPath } from "../../src/api/resources.ts";
import { startFakeUpstream } from "../../test/support/fake-upstream.ts";
import { parseSamples, sumOf } from "../../test/support/prom-text.ts";
import { startUp, type Up } from "../scale/kdns-up.ts";
import { scaleObjects } from "../scale/objects.ts";
import { createTimed } from "../scale/timed-creates.ts";
import { memoryBreakdown } from "./memory.ts";

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const services = Number(arg("services") ?? 10_000);
const pods = Number(arg("pods") ?? 100_000);
const NAMESPACES = 100;
const given = arg("data");
const dataDir = given ?? (await mkdtemp(join(tmpdir(), "kdns-rss-")));
const loaded = given !== undefined && (await stat(join(given, "store")).catch(() => undefined)) !== undefined;

const info = {
  namespaces: resourceByPath("", "namespaces")!,
  services: resourceByPath("", "services")!,
  pods: resourceByPath("", "pods")!,
};
const { service, pod } = scaleObjects(NAMESPACES);

/** The store's revision, read with the smallest list. */
async function revision(up: Up): Promise<number> {
  const res = await fetch(`${up.url}/api/v1/namespaces?limit=1`);
  return Number(((await res.json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
}

/** Resolves once the revision has not moved for `quietMs` (the controllers are done writing). */
async function quiet(up: Up, quietMs = 5_000): Promise<void> {
  let last = await revision(up);
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await revision(up);
    if (now !== last) [last, since] = [now, Date.now()];
  }
}

async function report(label: string, up: Up): Promise<void> {
  const metrics = parseSamples(await (await fetch(`${up.url}/metrics`)).text());
  const mem = await memoryBreakdown(up.child.proc.pid!);
  const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)}`;
  console.log(
    `${label}: VmRSS ${mib(mem.rss)} MiB (peak ${mib(mem.peak)}) = RssAnon ${mib(mem.anon)} + RssFile ${mib(mem.file)} + RssShmem ${mib(mem.shmem)}; ` +
      `data.mdb ${mib(mem.lmdbRss)} resident of ${mib(mem.lmdbFile)} on disk; ` +
      `V8 heap used ${mib(sumOf(metrics, "nodejs_heap_size_used_bytes"))} of ${mib(sumOf(metrics, "nodejs_heap_size_total_bytes"))}, external ${mib(sumOf(metrics, "nodejs_external_memory_bytes"))}`,
  );
}

const upstream = await startFakeUpstream();
try {
  let up = await startUp({ store: "embedded", dataDir, upstreamPort: upstream.port });
  if (!loaded) {
    for (let n = 0; n < NAMESPACES; n++)
      await up.client.create(info.namespaces, undefined, { metadata: { name: `ns-${n}` } });
    await createTimed(up.client, info.services, services, service);
    await createTimed(up.client, info.pods, pods, (j) => pod(j, services));
    await report(`loaded ${services}/${pods}`, up);
    await quiet(up);
    await report(`settled ${services}/${pods}`, up);
    await up.stop();
    up = await startUp({ store: "embedded", dataDir, upstreamPort: upstream.port });
  }
  await report(`restarted (ready in ${up.readyMs} ms)`, up);
  await quiet(up);
  await report("restarted and settled", up);
  console.log(`data dir: ${dataDir}`);
  await up.stop();
} finally {
  await upstream.close();
}
