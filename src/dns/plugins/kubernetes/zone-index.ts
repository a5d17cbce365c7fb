/**
 * The in-memory index DNS answers from: owner name → records, each tagged with the object that
 * contributed it, so one object's change replaces exactly its own records. Names that only have
 * descendants (empty non-terminals such as `ns.svc.cluster.local`) exist too: they get NODATA,
 * not NXDOMAIN (RFC 8020).
 */
import type { RecordData } from "../../wire/records.ts";
import type { NamedRecord } from "./service-records.ts";
import { contributed, recordLists, withContribution, withoutContribution, type Contributions } from "./contributions.ts";

/** Index of names under one or more zones. */
export class ZoneIndex {
  /** name → contributor key → records. */
  readonly #nodes = new Map<string, Contributions>();
  /** name → number of contributed names strictly below it (within a zone). */
  readonly #descendants = new Map<string, number>();
  /** contributor key → the names it contributed. */
  readonly #owned = new Map<string, string[]>();
  readonly #zones: string[];
  readonly #listeners: ((names: Iterable<string>) => void)[] = [];

  /** `zones`: apexes under which empty non-terminals are tracked (cluster zone, reverse zones). */
  constructor(zones: string[]) {
    this.#zones = zones;
  }

  /** Calls `listener` with the names whose records changed, after every change. */
  onChange(listener: (names: Iterable<string>) => void): void {
    this.#listeners.push(listener);
  }

  /** Replaces everything contributor `key` contributed with `records` (empty = remove). */
  set(key: string, records: NamedRecord[]): void {
    const grouped = new Map<string, RecordData[]>();
    for (const r of records) {
      const list = grouped.get(r.name);
      if (list) list.push(r.data);
      else grouped.set(r.name, [r.data]);
    }
    const changed = new Set<string>();
    const previous = this.#owned.get(key) ?? [];
    for (const name of previous) {
      const node = this.#nodes.get(name);
      if (!node) continue;
      const before = contributed(node, key);
      const after = grouped.get(name);
      if (after && sameRecords(before, after)) {
        grouped.delete(name);
        continue;
      }
      const rest = withoutContribution(node, key);
      changed.add(name);
      if (rest === undefined) {
        this.#nodes.delete(name);
        this.#adjustAncestors(name, -1, changed);
      } else if (rest !== node) this.#nodes.set(name, rest);
    }
    for (const [name, list] of grouped) {
      const node = this.#nodes.get(name);
      this.#nodes.set(name, withContribution(node, key, list));
      if (!node) this.#adjustAncestors(name, +1, changed);
      changed.add(name);
    }
    const names = records.length ? [...new Set(records.map((r) => r.name))] : [];
    if (names.length) this.#owned.set(key, names);
    else this.#owned.delete(key);
    if (!changed.size) return;
    // Answers of a contributor's other names may embed changed data (SRV glue): report them all.
    for (const name of previous) changed.add(name);
    for (const name of names) changed.add(name);
    for (const l of this.#listeners) l(changed);
  }

  #adjustAncestors(name: string, delta: number, changed: Set<string>): void {
    const zone = this.#zones.find((z) => name.endsWith(`.${z}`));
    if (!zone) return;
    let n = name;
    while (n !== zone) {
      n = n.slice(n.indexOf(".") + 1);
      const count = (this.#descendants.get(n) ?? 0) + delta;
      if (count <= 0) this.#descendants.delete(n);
      else this.#descendants.set(n, count);
      if (count <= 0 || (delta > 0 && count === 1)) changed.add(n);
    }
  }

  /** Whether the name exists: it has records or names below it. */
  exists(name: string): boolean {
    return this.#nodes.has(name) || this.#descendants.has(name);
  }

  /** The records of `name` with the given type (`undefined` type = all). */
  records(name: string, type?: RecordData["type"]): RecordData[] {
    const node = this.#nodes.get(name);
    if (!node) return [];
    const out: RecordData[] = [];
    for (const list of recordLists(node)) for (const r of list) if (type === undefined || r.type === type) out.push(r);
    return out;
  }

  /** Number of owner names held (for metrics and tests). */
  get size(): number {
    return this.#nodes.size;
  }
}

function sameRecords(a: RecordData[] | undefined, b: RecordData[]): boolean {
  return a !== undefined && a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}
