/**
 * A fake list + watch API for informer-driven components (DNS plugins, controllers) in unit
 * tests: lists come from per-resource tables, watch events are pushed by the test.
 */
import type { ResourceInfo } from "../../src/api/resources.ts";
import type { KubeList, KubeObject, WatchEvent } from "../../src/api/types.ts";
import type { InformerSource } from "../../src/client/informer.ts";

/** Every event pushed for one resource; each watcher reads all of them from its own position. */
interface Stream {
  events: WatchEvent[];
  wakers: Set<() => void>;
}

/** The fake. */
export class FakeApi {
  readonly #items = new Map<string, KubeObject[]>();
  readonly #streams = new Map<string, Stream>();

  /** Sets what a list of `resource` (plural, e.g. "services") returns. */
  setList(resource: string, items: KubeObject[]): void {
    this.#items.set(resource, items);
  }

  /** Sends a watch event to the watchers of `resource`. */
  push(resource: string, type: "ADDED" | "MODIFIED" | "DELETED", object: KubeObject): void {
    const stream = this.#stream(resource);
    stream.events.push({ type, object });
    for (const wake of stream.wakers) wake();
  }

  #stream(resource: string): Stream {
    let s = this.#streams.get(resource);
    if (!s) this.#streams.set(resource, (s = { events: [], wakers: new Set() }));
    return s;
  }

  /** The informer source backed by this fake. */
  source(): InformerSource {
    const items = this.#items;
    const stream = (r: string): Stream => this.#stream(r);
    return {
      list: async (info: ResourceInfo): Promise<KubeList> => ({
        apiVersion: "v1",
        kind: `${info.kind}List`,
        metadata: { resourceVersion: "1" },
        items: structuredClone(items.get(info.resource) ?? []),
      }),
      watch: async function* (
        info: ResourceInfo,
        _ns: unknown,
        _q: unknown,
        signal: AbortSignal,
      ): AsyncGenerator<WatchEvent> {
        const s = stream(info.resource);
        // Every watcher of a resource sees every event pushed for it, from the first.
        let next = 0;
        for (;;) {
          while (next === s.events.length) {
            if (signal.aborted) return;
            await new Promise<void>((r) => {
              const wake = (): void => {
                s.wakers.delete(wake);
                r();
              };
              s.wakers.add(wake);
              signal.addEventListener("abort", wake, { once: true });
            });
          }
          yield s.events[next++]!;
        }
      },
    } as unknown as InformerSource;
  }
}
