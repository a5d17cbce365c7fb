/**
 * Encodes resource records ahead of time (when data changes, never per query) with dns-packet.
 * An owner given as an offset becomes a compression pointer into the question, so the owner
 * name is sent back in exactly the case the client used.
 */
import * as dnsPacket from "dns-packet";
import type { Sections } from "./response.ts";

/** A record's data, as dns-packet encodes it. */
export type RecordData =
  | { type: "A" | "AAAA"; address: string }
  | { type: "CNAME" | "PTR" | "NS"; target: string }
  | { type: "SRV"; priority: number; weight: number; port: number; target: string }
  | { type: "TXT"; texts: string[] }
  | { type: "HINFO"; cpu: string; os: string }
  | {
      type: "SOA";
      mname: string;
      rname: string;
      serial: number;
      refresh: number;
      retry: number;
      expire: number;
      minimum: number;
    };

/** One record: owner (a name, or the offset of a name in the message to point at), TTL, data. */
export interface RecordSpec {
  owner: string | number;
  ttl: number;
  data: RecordData;
}

function toAnswer(name: string, ttl: number, data: RecordData): dnsPacket.Answer {
  switch (data.type) {
    case "A":
    case "AAAA":
      return { name, type: data.type, ttl, data: data.address };
    case "CNAME":
    case "PTR":
    case "NS":
      return { name, type: data.type, ttl, data: data.target };
    case "SRV":
      return {
        name,
        type: "SRV",
        ttl,
        data: { priority: data.priority, weight: data.weight, port: data.port, target: data.target },
      };
    case "TXT":
      return { name, type: "TXT", ttl, data: data.texts };
    case "HINFO":
      return { name, type: "HINFO", ttl, data: { cpu: data.cpu, os: data.os } };
    case "SOA":
      return {
        name,
        type: "SOA",
        ttl,
        data: {
          mname: data.mname,
          rname: data.rname,
          serial: data.serial,
          refresh: data.refresh,
          retry: data.retry,
          expire: data.expire,
          minimum: data.minimum,
        },
      };
  }
}

/** Wire bytes of one record. */
export function encodeRecord(spec: RecordSpec): Buffer {
  const pointer = typeof spec.owner === "number";
  const answer = toAnswer(pointer ? "" : (spec.owner as string), spec.ttl, spec.data);
  // A packet holding just this record, minus its 12-byte header (dns-packet never compresses).
  const written = dnsPacket.encode({ type: "response", answers: [answer] }).subarray(12);
  if (!pointer) return Buffer.from(written);
  const offset = spec.owner as number;
  // Replace the root owner (one 0x00 byte) with a two-byte pointer (RFC 1035 §4.1.4).
  const out = Buffer.allocUnsafe(written.length + 1);
  out[0] = 0xc0 | (offset >> 8);
  out[1] = offset & 0xff;
  written.copy(out, 2, 1);
  return out;
}

/** Encodes the three sections of an answer into one block. */
export function encodeSections(
  answers: RecordSpec[],
  authorities: RecordSpec[] = [],
  additionals: RecordSpec[] = [],
): Sections {
  const parts = [...answers, ...authorities, ...additionals].map(encodeRecord);
  return {
    bytes: Buffer.concat(parts),
    answers: answers.length,
    authorities: authorities.length,
    additionals: additionals.length,
  };
}
