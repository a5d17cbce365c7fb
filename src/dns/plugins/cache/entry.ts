/**
 * A cached upstream answer kept as wire bytes plus the offsets of its TTL fields (found once, on
 * insertion), so a hit is a copy and a few writes: the client's ID, its question bytes (same
 * name in another case: the same length) and the remaining TTL. Nothing is decoded per hit.
 */
import { HEADER_LENGTH } from "../../wire/constants.ts";
import type { MessageLayout } from "../../wire/message.ts";

/** One cached answer. */
export interface CacheEntry {
  bytes: Buffer;
  ttlOffsets: Uint16Array;
  /** When the answer was stored and when it stops being fresh (ms, on the plugin's clock). */
  storedAt: number;
  expiresAt: number;
  /** Header bits and rcode, for a TC reply to a UDP client the answer does not fit. */
  rcode: number;
  authoritative: boolean;
  recursionAvailable: boolean;
  /** Set when the cache drops the entry, for whoever kept bytes rendered from it (ResponseMemo). */
  stale: boolean;
}

/** Builds an entry from an answer and its layout, copying the bytes (the sender may reuse them). */
export function makeEntry(bytes: Buffer, layout: MessageLayout, storedAt: number, expiresAt: number): CacheEntry {
  return {
    storedAt,
    bytes: Buffer.from(bytes),
    ttlOffsets: Uint16Array.from(layout.ttlOffsets),
    expiresAt,
    rcode: layout.rcode,
    authoritative: (layout.flags & 0x0400) !== 0,
    recursionAvailable: (layout.flags & 0x0080) !== 0,
    stale: false,
  };
}

/** The entry's bytes for this query: its ID, RD bit and question bytes, every TTL set to `ttl`. */
export function renderEntry(entry: CacheEntry, msg: Buffer, questionEnd: number, ttl: number): Buffer {
  const out = Buffer.allocUnsafe(entry.bytes.length);
  out.set(entry.bytes);
  out[0] = msg[0]!;
  out[1] = msg[1]!;
  out[2] = (out[2]! & 0xfe) | (msg[2]! & 0x01);
  // Byte loops: for a few dozen bytes they beat Buffer#copy's argument checks.
  for (let i = HEADER_LENGTH; i < questionEnd; i++) out[i] = msg[i]!;
  const offsets = entry.ttlOffsets;
  const b0 = (ttl >>> 24) & 0xff,
    b1 = (ttl >>> 16) & 0xff,
    b2 = (ttl >>> 8) & 0xff,
    b3 = ttl & 0xff;
  for (let i = 0; i < offsets.length; i++) {
    const o = offsets[i]!;
    out[o] = b0;
    out[o + 1] = b1;
    out[o + 2] = b2;
    out[o + 3] = b3;
  }
  return out;
}
