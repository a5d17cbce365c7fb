/** Conversions between etcd's wire shapes and the storage contract, and etcd errors. */
import type { IEvent, IKeyValue } from "etcd3";
import { CompactedError, type KeyValue, type StorageEvent, StorageUnavailableError } from "../storage.ts";

/** The end of the key range holding every key that starts with `prefix` (etcd's `GetPrefixRangeEnd`). */
export function prefixRangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** A stored key, with the backend's prefix cut off. */
export function toKeyValue(kv: IKeyValue, prefixLength: number): KeyValue {
  return {
    key: kv.key.subarray(prefixLength).toString(),
    value: kv.value.toString(),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

/** A watch event; etcd puts the revision of a delete in the tombstone's mod revision. */
export function toStorageEvent(event: IEvent, prefixLength: number): StorageEvent {
  const kv = toKeyValue(event.kv, prefixLength);
  const prev = event.prev_kv ? toKeyValue(event.prev_kv, prefixLength) : undefined;
  if (event.type === "Delete") {
    // prev is missing only when compaction raced the watch; keep the key at least.
    return {
      type: "delete",
      revision: kv.modRevision,
      key: kv.key,
      prev: prev ?? { ...kv, createRevision: 0, modRevision: 0 },
    };
  }
  return prev ? { type: "put", revision: kv.modRevision, kv, prev } : { type: "put", revision: kv.modRevision, kv };
}

/** Whether etcd refused a read because `revision` was compacted away. */
export function isCompactedError(err: unknown): boolean {
  return err instanceof Error && err.message.includes("required revision has been compacted");
}

/** Maps a failed etcd call to the storage contract's errors. */
export function storageError(err: unknown, what: string): Error {
  if (err instanceof CompactedError || err instanceof StorageUnavailableError) return err;
  return new StorageUnavailableError(`etcd ${what} failed: ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
  });
}
