/**
 * The probe query of the loop plugin and how to recognise it: `<random>.<token>.kdns-loop-check.invalid.`
 * HINFO. `.invalid` is reserved (RFC 6761 §6.4): a real resolver answers it NXDOMAIN without asking
 * anyone, so only a resolver that forwards it on can bring it back here. The token names this kdns
 * instance, so another kdns replica behind the same resolver passes a probe on instead of claiming it.
 */
import { randomBytes } from "node:crypto";
import { CLASS_IN, HEADER_LENGTH, QTYPE } from "../../wire/constants.ts";

/** The reserved suffix, as the wire-form key of ParsedQuery (length-prefixed labels, final zero). */
export const PROBE_SUFFIX_KEY = "\x0fkdns-loop-check\x07invalid\x00";

/** Text of the HINFO record this server answers its own probes with (what the sender looks for). */
export const PROBE_MARKER = "kdns-loop-check-answer";

const RANDOM_LENGTH = 16;

/** Length of an instance token (hex characters). */
export const TOKEN_LENGTH = 10;

/** A probe ready to send, shaped like the forward path's outgoing query. */
export interface ProbeQuery {
  bytes: Buffer;
  id: number;
  questionEnd: number;
  /** The question name's wire-form key (lower case), as ParsedQuery.key has it. */
  key: string;
}

/** A fresh probe for `token`, with a random ID and random first label. */
export function makeProbe(token: string): ProbeQuery {
  const random = randomBytes(RANDOM_LENGTH / 2).toString("hex");
  const key = `${String.fromCharCode(RANDOM_LENGTH)}${random}${String.fromCharCode(TOKEN_LENGTH)}${token}${PROBE_SUFFIX_KEY}`;
  const name = Buffer.from(key, "latin1");
  const bytes = Buffer.alloc(HEADER_LENGTH + name.length + 4);
  const id = randomBytes(2).readUInt16BE(0);
  bytes.writeUInt16BE(id, 0);
  bytes.writeUInt16BE(0x0100, 2); // RD: the resolver is asked to recurse, as for any forwarded query
  bytes.writeUInt16BE(1, 4);
  name.copy(bytes, HEADER_LENGTH);
  bytes.writeUInt16BE(QTYPE.HINFO, HEADER_LENGTH + name.length);
  bytes.writeUInt16BE(CLASS_IN, HEADER_LENGTH + name.length + 2);
  return { bytes, id, questionEnd: bytes.length, key };
}

/** What a question key is to the loop plugin: not a probe, a probe of this instance, or another's. */
export function probeOwner(key: string, token: string): "none" | "mine" | "other" {
  if (!key.endsWith(PROBE_SUFFIX_KEY)) return "none";
  const tokenAt = RANDOM_LENGTH + 2;
  const mine =
    key.length === tokenAt + TOKEN_LENGTH + PROBE_SUFFIX_KEY.length &&
    key.charCodeAt(0) === RANDOM_LENGTH &&
    key.charCodeAt(tokenAt - 1) === TOKEN_LENGTH &&
    key.startsWith(token, tokenAt);
  return mine ? "mine" : "other";
}

/** Whether an upstream's answer to a probe carries this server's marker (it came back here). */
export function answeredByUs(bytes: Buffer): boolean {
  return (
    bytes.length > HEADER_LENGTH && bytes.readUInt16BE(6) > 0 && bytes.includes(PROBE_MARKER, HEADER_LENGTH, "latin1")
  );
}
