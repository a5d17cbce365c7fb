/**
 * The records of one source (a Service with its Endpoints, or the zone's own names), grouped by
 * owner name, with the empty non-terminals between them and the zone: such a name exists and gets
 * NODATA, not NXDOMAIN (RFC 8020).
 */
import type { RecordData } from "../../wire/records.ts";
import type { NamedRecord } from "./service-records.ts";

/** Records by owner name, plus which names exist. */
export class RecordSet {
  readonly #byName = new Map<string, RecordData[]>();
  readonly #between = new Set<string>();

  /** `records` all lie at or below `zone`; names between them and `zone` exist empty. */
  constructor(records: readonly NamedRecord[], zone: string) {
    for (const r of records) {
      const list = this.#byName.get(r.name);
      if (list) list.push(r.data);
      else this.#byName.set(r.name, [r.data]);
    }
    const suffix = `.${zone}`;
    for (const name of this.#byName.keys()) {
      if (!name.endsWith(suffix)) continue;
      for (let n = name.slice(name.indexOf(".") + 1); n !== zone && n.endsWith(suffix); n = n.slice(n.indexOf(".") + 1))
        this.#between.add(n);
    }
  }

  /** Whether the name has records or names below it. */
  exists(name: string): boolean {
    return this.#byName.has(name) || this.#between.has(name);
  }

  /** The records of `name` with the given type (`undefined` = all types). */
  records(name: string, type?: RecordData["type"]): RecordData[] {
    const list = this.#byName.get(name);
    if (!list) return [];
    return type === undefined ? list : list.filter((r) => r.type === type);
  }
}
