/**
 * Authority sections of negative answers (NXDOMAIN and NODATA carry the zone's SOA, RFC 2308 §3).
 * The SOA's owner is a pointer to the zone apex inside the question, so the bytes depend only on
 * where the apex starts in the question: they are built once per offset and reused.
 */
import type { ParsedQuery } from "../wire/query.ts";
import type { RecordData } from "../wire/records.ts";
import type { Sections } from "../wire/response.ts";
import { encodeAnswer, suffixOffset } from "./encode.ts";

/** The negative sections of one zone. */
export class NegativeSections {
  readonly #byOffset = new Map<number, Sections>();
  readonly #zoneLabels: number;
  readonly #ttl: number;
  readonly #soa: RecordData;

  /** `zoneLabels`: labels of the zone apex; `ttl`: TTL of the SOA record; `soa`: its data. */
  constructor(zoneLabels: number, ttl: number, soa: RecordData) {
    this.#zoneLabels = zoneLabels;
    this.#ttl = ttl;
    this.#soa = soa;
  }

  /** The sections for a question at or below the zone apex. Bounded: a name has at most 127 labels. */
  get(query: ParsedQuery): Sections {
    const offset = suffixOffset(query, this.#zoneLabels);
    let sections = this.#byOffset.get(offset);
    if (!sections) {
      sections = encodeAnswer(query, [], [], { zoneLabels: this.#zoneLabels, ttl: this.#ttl, data: this.#soa });
      this.#byOffset.set(offset, sections);
    }
    return sections;
  }
}
