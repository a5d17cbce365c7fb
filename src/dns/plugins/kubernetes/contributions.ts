/**
 * The records one owner name holds, per contributing object. Almost every name has exactly one
 * contributor (its Service), so that case is a two-field object; a name shared by several objects
 * (a PTR for an IP in two Services) becomes a Map. With 10,000 services this saves a Map per name.
 */
import type { RecordData } from "../../wire/records.ts";

/** One contributor's records, or several contributors' in a Map. */
export type Contributions = { readonly key: string; readonly records: RecordData[] } | Map<string, RecordData[]>;

/** The records `key` contributed, if any. */
export function contributed(node: Contributions, key: string): RecordData[] | undefined {
  return node instanceof Map ? node.get(key) : node.key === key ? node.records : undefined;
}

/** `node` (or nothing) with `key`'s records set to `records`. */
export function withContribution(node: Contributions | undefined, key: string, records: RecordData[]): Contributions {
  if (node === undefined || (!(node instanceof Map) && node.key === key)) return { key, records };
  if (node instanceof Map) return node.set(key, records);
  return new Map([[node.key, node.records], [key, records]]);
}

/** `node` without `key`'s records; undefined when nothing is left. */
export function withoutContribution(node: Contributions, key: string): Contributions | undefined {
  if (!(node instanceof Map)) return node.key === key ? undefined : node;
  node.delete(key);
  if (node.size === 0) return undefined;
  if (node.size === 1) {
    for (const [k, records] of node) return { key: k, records };
  }
  return node;
}

/** Every contributor's record list. */
export function recordLists(node: Contributions): Iterable<RecordData[]> {
  return node instanceof Map ? node.values() : [node.records];
}
