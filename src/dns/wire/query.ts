/**
 * The hot-path query parser: reads only the header, the one question and the EDNS OPT record,
 * without decoding the message into objects. Checks follow miekg/dns (the parser under CoreDNS)
 * and RFC 6891/9267; docs/dns-robustness.md lists each malformed case and the answer it gets.
 */
import { CLASS_IN, HEADER_LENGTH, QTYPE, RCODE } from "./constants.ts";

/** What the query's OPT record said (RFC 6891). */
export interface Edns {
  /** Requestor's UDP payload size, as sent. */
  udpSize: number;
  version: number;
  /** DNSSEC OK bit: copied into the answer (RFC 3225 §3). */
  dnssecOk: boolean;
}

/** A well-formed query. */
export interface ParsedQuery {
  readonly type: "query";
  readonly id: number;
  readonly opcode: number;
  readonly recursionDesired: boolean;
  readonly checkingDisabled: boolean;
  /**
   * The question name as a map key: its wire form (length-prefixed labels and the final zero byte)
   * as latin1 text, ASCII lower-cased. Cheap to make (no per-character work when the name is
   * already lower case), so answer caches look it up before anything else.
   */
  readonly key: string;
  /** Lower-cased name without the trailing dot; bytes other than [a-z0-9_*-] escaped as \DDD. */
  readonly name: string;
  readonly qtype: number;
  readonly qclass: number;
  /** Offset just past the question: bytes 12..questionEnd are echoed in the answer unchanged. */
  readonly questionEnd: number;
  /** Offset of each label of the question name (for compression pointers into the question). */
  readonly labelOffsets: number[];
  readonly edns: Edns | undefined;
}

/** A query that gets an error answer (header only, plus the question when it was readable). */
export interface RejectedQuery {
  type: "reject";
  id: number;
  opcode: number;
  recursionDesired: boolean;
  rcode: number;
  /** Offset past the question when it could be read (so it is echoed), else 12. */
  questionEnd: number;
  edns: Edns | undefined;
}

/** Outcome of parsing: answer it, answer with an error, or stay silent. */
export type QueryParse = ParsedQuery | RejectedQuery | { type: "drop" };

const DROP = { type: "drop" } as const;

/** The longest name on the wire (RFC 1035 §2.3.4). */
const MAX_NAME_OCTETS = 255;

interface NameRead {
  /** Offset after the name in the message (after the first pointer, if any). */
  end: number;
  name: string;
  labelOffsets: number[];
}

/**
 * Reads a (possibly compressed) name. Each pointer must point strictly before where the previous
 * part of the name began, which rules out loops (RFC 9267 §2), and never into the header.
 */
export function readName(msg: Uint8Array, start: number): NameRead | undefined {
  let pos = start;
  let end = -1;
  let octets = 1;
  let name = "";
  let limit = start;
  const labelOffsets: number[] = [];
  for (;;) {
    if (pos >= msg.length) return undefined;
    const len = msg[pos]!;
    if (len === 0) {
      if (end < 0) end = pos + 1;
      return { end, name, labelOffsets };
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= msg.length) return undefined;
      const target = ((len & 0x3f) << 8) | msg[pos + 1]!;
      if (target < HEADER_LENGTH || target >= limit) return undefined;
      if (end < 0) end = pos + 2;
      pos = limit = target;
      continue;
    }
    if (kind !== 0) return undefined; // 0x40 and 0x80 label types are reserved
    octets += len + 1;
    if (octets > MAX_NAME_OCTETS || pos + 1 + len > msg.length) return undefined;
    labelOffsets.push(pos);
    if (name.length > 0) name += ".";
    for (let i = pos + 1; i <= pos + len; i++) name += labelChar(msg[i]!);
    pos += len + 1;
  }
}

function labelChar(b: number): string {
  if (b >= 0x41 && b <= 0x5a) return String.fromCharCode(b + 32);
  if ((b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x5f || b === 0x2a) {
    return String.fromCharCode(b);
  }
  return `\\${String(b).padStart(3, "0")}`;
}

/** Skips a resource record; returns the offset after it, or undefined when it runs past the end. */
function skipRecord(msg: Uint8Array, pos: number): number | undefined {
  const name = readName(msg, pos);
  if (!name || name.end + 10 > msg.length) return undefined;
  const rdlength = (msg[name.end + 8]! << 8) | msg[name.end + 9]!;
  const end = name.end + 10 + rdlength;
  return end > msg.length ? undefined : end;
}

/** Parses a query message received from a client. */
export function parseQuery(msg: Uint8Array): QueryParse {
  if (msg.length < HEADER_LENGTH) return DROP;
  const flags = (msg[2]! << 8) | msg[3]!;
  if (flags & 0x8000) return DROP; // a response: never answer (no reflection loops)
  const id = (msg[0]! << 8) | msg[1]!;
  const opcode = (flags >> 11) & 0xf;
  const recursionDesired = (flags & 0x0100) !== 0;
  const qdcount = (msg[4]! << 8) | msg[5]!;
  const ancount = (msg[6]! << 8) | msg[7]!;
  const nscount = (msg[8]! << 8) | msg[9]!;
  const arcount = (msg[10]! << 8) | msg[11]!;
  const reject = (rcode: number, questionEnd = HEADER_LENGTH, edns?: Edns): RejectedQuery => ({
    type: "reject",
    id,
    opcode,
    recursionDesired,
    rcode,
    questionEnd,
    edns,
  });
  if (opcode !== 0) return reject(RCODE.NOTIMP);
  if (qdcount !== 1 || ancount > 1 || nscount > 1 || arcount > 2) return reject(RCODE.FORMERR);

  const nameEnd = scanQuestionName(msg);
  if (nameEnd < 0 || nameEnd + 4 > msg.length) return reject(RCODE.FORMERR);
  const qtype = (msg[nameEnd]! << 8) | msg[nameEnd + 1]!;
  const qclass = (msg[nameEnd + 2]! << 8) | msg[nameEnd + 3]!;
  const questionEnd = nameEnd + 4;

  let pos: number | undefined = questionEnd;
  for (let i = 0; i < ancount + nscount; i++) {
    pos = skipRecord(msg, pos);
    if (pos === undefined) return reject(RCODE.FORMERR, questionEnd);
  }
  let edns: Edns | undefined;
  for (let i = 0; i < arcount; i++) {
    const rr = readName(msg, pos);
    if (!rr || rr.end + 10 > msg.length) return reject(RCODE.FORMERR, questionEnd, edns);
    const type = (msg[rr.end]! << 8) | msg[rr.end + 1]!;
    const rdlength = (msg[rr.end + 8]! << 8) | msg[rr.end + 9]!;
    const rdataStart = rr.end + 10;
    if (rdataStart + rdlength > msg.length) return reject(RCODE.FORMERR, questionEnd, edns);
    if (type === QTYPE.OPT) {
      // RFC 6891 §6.1.1: one OPT, owned by the root.
      if (edns || rr.name !== "") return reject(RCODE.FORMERR, questionEnd, edns);
      const udpSize = (msg[rr.end + 2]! << 8) | msg[rr.end + 3]!;
      const version = msg[rr.end + 5]!;
      const dnssecOk = (msg[rr.end + 6]! & 0x80) !== 0;
      edns = { udpSize, version, dnssecOk };
      for (let o = rdataStart; o < rdataStart + rdlength; ) {
        if (o + 4 > rdataStart + rdlength) return reject(RCODE.FORMERR, questionEnd, edns);
        const optLen = (msg[o + 2]! << 8) | msg[o + 3]!;
        o += 4 + optLen;
        if (o > rdataStart + rdlength) return reject(RCODE.FORMERR, questionEnd, edns);
      }
    }
    pos = rdataStart + rdlength;
  }
  if (edns && edns.version !== 0) return reject(RCODE.BADVERS, questionEnd, edns);
  return new Query(
    id,
    opcode,
    recursionDesired,
    (flags & 0x0010) !== 0,
    keyOf(msg, nameEnd),
    qtype,
    qclass,
    questionEnd,
    edns,
  );
}

/**
 * The end of the question name (after its zero byte), or -1 when it is malformed. The question
 * starts right after the header, so a compression pointer there can only point into the header
 * or forwards: either way invalid (RFC 1035 §4.1.4), like the reserved label types.
 */
function scanQuestionName(msg: Uint8Array): number {
  let pos = HEADER_LENGTH;
  let octets = 1;
  for (;;) {
    if (pos >= msg.length) return -1;
    const len = msg[pos]!;
    if (len === 0) return pos + 1;
    if (len & 0xc0) return -1;
    octets += len + 1;
    if (octets > MAX_NAME_OCTETS || pos + 1 + len > msg.length) return -1;
    pos += len + 1;
  }
}

/** The wire key of the question name ending at `nameEnd`: latin1 text, ASCII lower-cased. */
function keyOf(msg: Uint8Array, nameEnd: number): string {
  let upper = false;
  for (let i = HEADER_LENGTH; i < nameEnd; i++) {
    const b = msg[i]!;
    if (b >= 0x41 && b <= 0x5a) {
      upper = true;
      break;
    }
  }
  if (!upper) {
    const buf = Buffer.isBuffer(msg) ? msg : Buffer.from(msg.buffer, msg.byteOffset, msg.length);
    return buf.toString("latin1", HEADER_LENGTH, nameEnd);
  }
  const bytes = Buffer.from(msg.subarray(HEADER_LENGTH, nameEnd));
  // Length bytes are below 0x40, so only label bytes can be in A–Z.
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x41 && bytes[i]! <= 0x5a) bytes[i]! += 32;
  return bytes.toString("latin1");
}

/** The wire key of a dotted, lower-case name (as {@link ParsedQuery.key} would be for it). */
export function wireKey(name: string): string {
  let key = "";
  if (name !== "") for (const label of name.split(".")) key += String.fromCharCode(label.length) + label;
  return `${key}\0`;
}

/** A parsed query; the dotted name and label offsets are worked out only when asked for. */
class Query implements ParsedQuery {
  readonly type = "query";
  readonly id: number;
  readonly opcode: number;
  readonly recursionDesired: boolean;
  readonly checkingDisabled: boolean;
  readonly key: string;
  readonly qtype: number;
  readonly qclass: number;
  readonly questionEnd: number;
  readonly edns: Edns | undefined;
  #name: string | undefined;
  #offsets: number[] | undefined;

  constructor(
    id: number,
    opcode: number,
    rd: boolean,
    cd: boolean,
    key: string,
    qtype: number,
    qclass: number,
    questionEnd: number,
    edns: Edns | undefined,
  ) {
    this.id = id;
    this.opcode = opcode;
    this.recursionDesired = rd;
    this.checkingDisabled = cd;
    this.key = key;
    this.qtype = qtype;
    this.qclass = qclass;
    this.questionEnd = questionEnd;
    this.edns = edns;
  }

  get name(): string {
    if (this.#name === undefined) {
      let name = "";
      for (let pos = 0; this.key.charCodeAt(pos) !== 0; ) {
        const len = this.key.charCodeAt(pos);
        if (name.length > 0) name += ".";
        for (let i = pos + 1; i <= pos + len; i++) name += labelChar(this.key.charCodeAt(i));
        pos += len + 1;
      }
      this.#name = name;
    }
    return this.#name;
  }

  get labelOffsets(): number[] {
    if (this.#offsets === undefined) {
      const offsets: number[] = [];
      for (let pos = 0; this.key.charCodeAt(pos) !== 0; pos += this.key.charCodeAt(pos) + 1)
        offsets.push(HEADER_LENGTH + pos);
      this.#offsets = offsets;
    }
    return this.#offsets;
  }
}

/** Whether the question's class is one kdns serves (IN); others get REFUSED. */
export function isInternetClass(query: ParsedQuery): boolean {
  return query.qclass === CLASS_IN;
}
