/** An etcd v3 watch over a key range that resumes after disconnects from the last revision seen. */
import type { IWatchResponse, WatchClient } from "etcd3";
import { AsyncQueue } from "../common/async-queue.ts";
import { CompactedError, type StorageEvent } from "../storage.ts";
import { toStorageEvent } from "./etcd-codec.ts";

/** What {@link etcdWatch} needs. */
export interface EtcdWatchOptions {
  watchClient: WatchClient;
  key: Buffer;
  rangeEnd: Buffer;
  /** Bytes of backend prefix to cut off keys. */
  prefixLength: number;
  signal: AbortSignal;
}

const MAX_BACKOFF_MS = 2_000;

/**
 * Events with a revision above `after`, in order. Each (re)connection opens one gRPC stream and
 * starts at the last revision delivered + 1, so a disconnect neither loses nor repeats events;
 * a start revision etcd has compacted ends the watch with {@link CompactedError}.
 */
export function etcdWatch(after: number, options: EtcdWatchOptions): AsyncQueue<StorageEvent> {
  let last = after;
  let stopStream: (() => void) | undefined;
  const queue = new AsyncQueue<StorageEvent>({
    capacity: 100_000,
    overflow: () => new CompactedError(last, last),
    onClose: () => {
      options.signal.removeEventListener("abort", onAbort);
      stopStream?.();
    },
  });
  const onAbort = (): void => queue.end();
  options.signal.addEventListener("abort", onAbort, { once: true });
  let closed = false;
  options.signal.addEventListener("abort", () => (closed = true), { once: true });
  if (options.signal.aborted) {
    closed = true;
    queue.end();
    return queue;
  }

  const streamOnce = async (): Promise<"compacted" | "ended"> => {
    const stream = await options.watchClient.watch();
    return await new Promise<"compacted" | "ended">((resolve, reject) => {
      let stopped = false;
      stopStream = () => {
        if (stopped) return;
        stopped = true;
        stream.on("error", () => undefined);
        stream.cancel();
        resolve("ended");
      };
      stream.on("data", (res: IWatchResponse) => {
        if (stopped) return;
        if (res.compact_revision !== "0" && res.compact_revision !== "" && res.canceled) {
          queue.fail(new CompactedError(last, Number(res.compact_revision)));
          stopStream?.();
          resolve("compacted");
          return;
        }
        if (res.canceled) {
          reject(new Error(`etcd cancelled the watch: ${res.cancel_reason}`));
          return;
        }
        for (const event of res.events) {
          const converted = toStorageEvent(event, options.prefixLength);
          if (converted.revision <= last) continue;
          last = converted.revision;
          queue.push(converted);
        }
      });
      stream.on("error", reject);
      stream.on("end", () => reject(new Error("etcd watch stream ended")));
      stream.write({
        create_request: {
          key: options.key,
          range_end: options.rangeEnd,
          start_revision: last + 1,
          prev_kv: true,
          progress_notify: true,
        },
      });
      if (closed) stopStream();
    });
  };

  void (async () => {
    let backoff = 50;
    while (!closed) {
      try {
        if ((await streamOnce()) === "compacted") return;
        backoff = 50;
      } catch {
        stopStream = undefined;
        if (closed) return;
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  })();
  return queue;
}
