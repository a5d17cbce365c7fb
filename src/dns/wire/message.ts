/**
 * A bounded reader for whole messages from untrusted peers (upstream answers): walks every record
 * once, checking each name (pointer rules of RFC 9267) and each RDLENGTH against the message end,
 * and notes where each TTL lies so a cache can rewrite TTLs in place without decoding again.
 */
import { HEADER_LENGTH, QTYPE } from "./constants.ts";
import { readName } from "./query.ts";

/** What a response is, as far as forwarding and caching need to know. */
export interface MessageLayout {
  id: number;
  /** The 16 flag bits of the header. */
  flags: number;
  /** Response code including the extended bits from OPT (RFC 6891 §6.1.3). */
  rcode: number;
  truncated: boolean;
  /** Offset just past the (single) question. */
  questionEnd: number;
  qtype: number;
  qclass: number;
  answers: number;
  /** Offsets of the TTL field of every record except OPT (whose "TTL" carries flags). */
  ttlOffsets: number[];
  /** Smallest TTL in the answer section (undefined when it is empty). */
  minAnswerTtl: number | undefined;
  /** RFC 2308 §5: of an SOA in the authority section, min(its TTL, its MINIMUM field). */
  negativeTtl: number | undefined;
}

/** A record count over this cannot be honest in a 64 KiB message; refuse it early. */
const MAX_RECORDS = 65535 / 11;

/**
 * Reads a response with exactly one question; undefined when malformed in any way (a name or
 * record running past the end, a bad pointer, bytes left over, no QR bit, QDCOUNT ≠ 1).
 */
export function readMessage(msg: Uint8Array): MessageLayout | undefined {
  if (msg.length < HEADER_LENGTH) return undefined;
  const flags = (msg[2]! << 8) | msg[3]!;
  if ((flags & 0x8000) === 0) return undefined;
  const qdcount = (msg[4]! << 8) | msg[5]!;
  const ancount = (msg[6]! << 8) | msg[7]!;
  const nscount = (msg[8]! << 8) | msg[9]!;
  const arcount = (msg[10]! << 8) | msg[11]!;
  if (qdcount !== 1 || ancount + nscount + arcount > MAX_RECORDS) return undefined;
  const q = readName(msg, HEADER_LENGTH);
  if (!q || q.end + 4 > msg.length) return undefined;
  const layout: MessageLayout = {
    id: (msg[0]! << 8) | msg[1]!,
    flags,
    rcode: flags & 0x0f,
    truncated: (flags & 0x0200) !== 0,
    questionEnd: q.end + 4,
    qtype: (msg[q.end]! << 8) | msg[q.end + 1]!,
    qclass: (msg[q.end + 2]! << 8) | msg[q.end + 3]!,
    answers: ancount,
    ttlOffsets: [],
    minAnswerTtl: undefined,
    negativeTtl: undefined,
  };
  let pos = layout.questionEnd;
  const total = ancount + nscount + arcount;
  let sawOpt = false;
  for (let i = 0; i < total; i++) {
    const owner = readName(msg, pos);
    if (!owner || owner.end + 10 > msg.length) return undefined;
    const at = owner.end;
    const type = (msg[at]! << 8) | msg[at + 1]!;
    const rdlength = (msg[at + 8]! << 8) | msg[at + 9]!;
    const rdata = at + 10;
    if (rdata + rdlength > msg.length) return undefined;
    if (type === QTYPE.OPT) {
      if (sawOpt || i < ancount + nscount) return undefined;
      sawOpt = true;
      layout.rcode |= msg[at + 4]! << 4;
    } else {
      // RFC 2181 §8: a TTL with the top bit set is treated as zero.
      const raw = ((msg[at + 4]! << 24) | (msg[at + 5]! << 16) | (msg[at + 6]! << 8) | msg[at + 7]!) >>> 0;
      const ttl = raw > 0x7fffffff ? 0 : raw;
      layout.ttlOffsets.push(at + 4);
      if (i < ancount) {
        if (layout.minAnswerTtl === undefined || ttl < layout.minAnswerTtl) layout.minAnswerTtl = ttl;
      } else if (i < ancount + nscount && type === QTYPE.SOA) {
        const minimum = soaMinimum(msg, rdata, rdlength);
        if (minimum === undefined) return undefined;
        layout.negativeTtl = Math.min(ttl, minimum);
      }
    }
    pos = rdata + rdlength;
  }
  return pos === msg.length ? layout : undefined;
}

/** The MINIMUM field: the last 4 bytes of SOA RDATA after two names and four other numbers. */
function soaMinimum(msg: Uint8Array, start: number, length: number): number | undefined {
  const mname = readName(msg, start);
  if (!mname) return undefined;
  const rname = readName(msg, mname.end);
  if (!rname || rname.end + 20 !== start + length) return undefined;
  const o = rname.end + 16;
  return ((msg[o]! << 24) | (msg[o + 1]! << 16) | (msg[o + 2]! << 8) | msg[o + 3]!) >>> 0;
}

/**
 * Whether the questions of a query and its response are the same (name compared without case,
 * RFC 4343; type; class). Both questions start at offset 12 and, being the first name, cannot
 * use compression, so equal questions occupy equal byte ranges.
 */
export function sameQuestion(
  query: Uint8Array,
  queryQuestionEnd: number,
  response: Uint8Array,
  responseQuestionEnd: number,
): boolean {
  if (queryQuestionEnd !== responseQuestionEnd || response.length < responseQuestionEnd) return false;
  const nameEnd = queryQuestionEnd - 4;
  for (let i = nameEnd; i < queryQuestionEnd; i++) if (query[i] !== response[i]) return false;
  for (let i = HEADER_LENGTH; i < nameEnd; i++) {
    let a = query[i]!;
    let b = response[i]!;
    if (a === b) continue;
    if (a >= 0x41 && a <= 0x5a) a += 32;
    if (b >= 0x41 && b <= 0x5a) b += 32;
    if (a !== b) return false;
  }
  return true;
}
