/** Turns resolved records into wire sections whose owners point into the question. */
import type { ParsedQuery } from "../wire/query.ts";
import { encodeSections, type RecordData, type RecordSpec } from "../wire/records.ts";
import type { Sections } from "../wire/response.ts";

/** A record to send: owned by the question's name, or by another name written in full. */
export interface OwnedRecord {
  owner: "qname" | string;
  ttl: number;
  data: RecordData;
}

/**
 * The offset of the question's suffix with `labels` labels (e.g. the zone apex), for a
 * compression pointer; 12 when the question is that name.
 */
export function suffixOffset(query: ParsedQuery, labels: number): number {
  const offsets = query.labelOffsets;
  return offsets[offsets.length - labels] ?? 12;
}

/** Number of labels of a name ("" = the root = 0). */
export function labelCount(name: string): number {
  return name === "" ? 0 : name.split(".").length;
}

function spec(rec: OwnedRecord): RecordSpec {
  return { owner: rec.owner === "qname" ? 12 : rec.owner, ttl: rec.ttl, data: rec.data };
}

/**
 * Sections for an answer; `soa`, when given, goes in the authority section with its owner pointing
 * at the zone apex inside the question (the question must be at or below that zone).
 */
export function encodeAnswer(
  query: ParsedQuery,
  answers: readonly OwnedRecord[],
  additionals: readonly OwnedRecord[],
  soa?: { zoneLabels: number; ttl: number; data: RecordData },
): Sections {
  const authority: RecordSpec[] = soa
    ? [{ owner: suffixOffset(query, soa.zoneLabels), ttl: soa.ttl, data: soa.data }]
    : [];
  return encodeSections(answers.map(spec), authority, additionals.map(spec));
}
