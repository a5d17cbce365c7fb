import type { StorageEvent } from "../storage.ts";

/** The key a storage event is about. */
export function eventKey(event: StorageEvent): string {
  return event.type === "put" ? event.kv.key : event.key;
}
