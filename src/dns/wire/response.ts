/**
 * Writes answers by copying: the query's header fields and its question bytes (so the question's
 * case comes back exactly as sent, RFC 4343 / 0x20), then record sections built ahead of time.
 * One buffer per answer; nothing is decoded or re-encoded per query.
 */
import { CLASSIC_UDP_PAYLOAD, HEADER_LENGTH, MAX_UDP_PAYLOAD, QTYPE } from "./constants.ts";
import type { Edns, ParsedQuery, RejectedQuery } from "./query.ts";

/** Wire-encoded records for the answer, authority and additional sections, in that order. */
export interface Sections {
  bytes: Uint8Array;
  answers: number;
  authorities: number;
  additionals: number;
}

/** Header bits of an answer. */
export interface AnswerFlags {
  rcode: number;
  authoritative: boolean;
  /** RA; set unless false (a reply object from a plugin can serve as the flags as it is). */
  recursionAvailable?: boolean;
  /** Set TC even though the records fit (carried over from an upstream answer). */
  truncated?: boolean;
}

const OPT_LENGTH = 11;

/** The largest answer this query may get over UDP (RFC 6891 §6.2.5: below 512 counts as 512). */
export function udpLimit(edns: Edns | undefined): number {
  if (!edns) return CLASSIC_UDP_PAYLOAD;
  return Math.min(Math.max(edns.udpSize, CLASSIC_UDP_PAYLOAD), MAX_UDP_PAYLOAD);
}

/**
 * Builds the answer to `query` (read from `msg`). When it would exceed `limit`, the records are
 * left out and TC is set (RFC 1035 §4.2.1), keeping header, question and OPT (RFC 6891 §7).
 */
export function writeAnswer(
  msg: Uint8Array,
  query: ParsedQuery | RejectedQuery,
  flags: AnswerFlags,
  sections: Sections | undefined,
  limit: number,
): Buffer {
  const questionLength = query.questionEnd - HEADER_LENGTH;
  const optLength = query.edns ? OPT_LENGTH : 0;
  let body = sections;
  let truncated = false;
  if (body && HEADER_LENGTH + questionLength + body.bytes.length + optLength > limit) {
    body = undefined;
    truncated = true;
  }
  const size = HEADER_LENGTH + questionLength + (body ? body.bytes.length : 0) + optLength;
  const out = Buffer.allocUnsafe(size);
  out[0] = msg[0]!;
  out[1] = msg[1]!;
  const rd = query.recursionDesired ? 0x01 : 0;
  out[2] =
    0x80 | (query.opcode << 3) | (flags.authoritative ? 0x04 : 0) | (truncated || flags.truncated ? 0x02 : 0) | rd;
  const cd = query.type === "query" && query.checkingDisabled ? 0x10 : 0;
  out[3] = (flags.recursionAvailable !== false ? 0x80 : 0) | cd | (flags.rcode & 0x0f);
  out.writeUInt16BE(questionLength > 0 ? 1 : 0, 4);
  out.writeUInt16BE(body ? body.answers : 0, 6);
  out.writeUInt16BE(body ? body.authorities : 0, 8);
  out.writeUInt16BE((body ? body.additionals : 0) + (optLength ? 1 : 0), 10);
  let pos = HEADER_LENGTH;
  if (questionLength > 0) {
    out.set(msg.subarray(HEADER_LENGTH, query.questionEnd), pos);
    pos += questionLength;
  }
  if (body) {
    out.set(body.bytes, pos);
    pos += body.bytes.length;
  }
  if (query.edns) {
    out[pos] = 0; // root owner
    out.writeUInt16BE(QTYPE.OPT, pos + 1);
    out.writeUInt16BE(MAX_UDP_PAYLOAD, pos + 3);
    out[pos + 5] = flags.rcode >> 4; // extended rcode (BADVERS = 16 → 1)
    out[pos + 6] = 0; // version
    out[pos + 7] = query.edns.dnssecOk ? 0x80 : 0;
    out[pos + 8] = 0;
    out.writeUInt16BE(0, pos + 9);
  }
  return out;
}
