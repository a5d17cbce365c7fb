import assert from "node:assert/strict";
import { test } from "node:test";
import { waitFor } from "../../test/support/wait-for.ts";
import { RESOURCES } from "../api/resources.ts";
import type { KubeList, KubeObject, WatchEvent } from "../api/types.ts";
import type { InformerSource } from "./informer.ts";
import { SharedInformers } from "./shared-informers.ts";

const pods = RESOURCES.find((r) => r.resource === "pods")!;

function pod(name: string, rv: number): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { namespace: "ns", name, resourceVersion: String(rv) } };
}

/** A list that answers with `items` and watches the test feeds by hand. */
class FakeApi {
  items: KubeObject[] = [];
  revision = 0;
  lists = 0;
  readonly watches: { from: string; push(ev: WatchEvent): void }[] = [];
  source(): InformerSource {
    return {
      list: async () => {
        this.lists++;
        const list: KubeList = {
          apiVersion: "v1",
          kind: "PodList",
          metadata: { resourceVersion: String(this.revision) },
          items: structuredClone(this.items),
        };
        return list as never;
      },
      watch: (_info, _ns, query, signal) => {
        const queue: WatchEvent[] = [];
        let wake: (() => void) | undefined;
        this.watches.push({
          from: query.resourceVersion ?? "",
          push: (ev) => {
            queue.push(ev);
            wake?.();
          },
        });
        return (async function* () {
          while (!signal.aborted) {
            if (queue.length === 0) {
              await new Promise<void>((r) => {
                wake = r;
                signal.addEventListener("abort", () => r(), { once: true });
              });
              continue;
            }
            yield queue.shift()!;
          }
        })() as never;
      },
    };
  }
  /** Stores `obj` at the next revision and sends it to every watch. */
  put(name: string): void {
    const obj = pod(name, ++this.revision);
    const existed = this.items.findIndex((o) => o.metadata.name === name);
    if (existed >= 0) this.items[existed] = obj;
    else this.items.push(obj);
    for (const w of this.watches) w.push({ type: existed >= 0 ? "MODIFIED" : "ADDED", object: structuredClone(obj) });
  }
}

test("informers of one resource share a list and a watch; a late one lists alone, then hears the same watch without repeats", async () => {
  const api = new FakeApi();
  api.put("a");
  api.put("b");
  const shared = new SharedInformers(api.source());
  const stop = new AbortController();
  const first = shared.informer<KubeObject, string>(pods, { transform: (p) => `first:${p.metadata.resourceVersion}` });
  const second = shared.informer<KubeObject>(pods);
  const firstUpdates: string[] = [];
  first.on("update", (_o, v, _ns, name) => firstUpdates.push(`${name}@${v}`));
  first.start(stop.signal);
  second.start(stop.signal);
  await first.waitForSync();
  await second.waitForSync();
  await waitFor(() => api.watches.length === 1);
  assert.equal(api.lists, 1, "one list for both");
  assert.equal(api.watches[0]!.from, "2");

  api.put("a");
  await waitFor(() => second.get("ns", "a")?.metadata.resourceVersion === "3");
  assert.equal(first.get("ns", "a"), "first:3", "each informer keeps its own transform's value");

  // A late informer lists on its own (the store is at 4 by then), while the shared watch is still
  // behind that list: the events its list already holds must not reach it again.
  api.put("c");
  const late = shared.informer<KubeObject>(pods);
  const lateEvents: string[] = [];
  late.on("add", (p) => lateEvents.push(`add ${p.metadata.name}@${p.metadata.resourceVersion}`));
  late.on("update", (_o, p) => lateEvents.push(`update ${p.metadata.name}@${p.metadata.resourceVersion}`));
  late.start(stop.signal);
  await late.waitForSync();
  api.put("b");
  await waitFor(() => late.get("ns", "b")?.metadata.resourceVersion === "5");
  await waitFor(() => first.get("ns", "b") === "first:5");
  assert.equal(api.lists, 2, "the late informer's own list");
  assert.equal(api.watches.length, 1, "still one watch");
  assert.deepEqual(lateEvents, ["add a@3", "add b@2", "add c@4", "update b@5"]);
  assert.deepEqual(firstUpdates, ["a@first:3", "b@first:5"]);
  assert.equal(first.size, 3);

  stop.abort();
  await Promise.all([first.stopped(), second.stopped(), late.stopped()]);
});
