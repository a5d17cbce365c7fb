import type { KeyValue, StorageEvent } from "../storage.ts";
import { eventKey } from "./event-key.ts";

/**
 * The keys under `prefix` as they were before `newer` happened: undoes the events (given in
 * revision order) newest first. Used to list at a past revision from current state plus history.
 */
export function rewind(
  current: Iterable<KeyValue>,
  newer: readonly StorageEvent[],
  prefix: string,
): Map<string, KeyValue> {
  const state = new Map<string, KeyValue>();
  for (const kv of current) if (kv.key.startsWith(prefix)) state.set(kv.key, kv);
  for (let i = newer.length - 1; i >= 0; i--) {
    const event = newer[i] as StorageEvent;
    const key = eventKey(event);
    if (!key.startsWith(prefix)) continue;
    if (event.prev) state.set(key, event.prev);
    else state.delete(key);
  }
  return state;
}
