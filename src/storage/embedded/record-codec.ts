/**
 * The bytes of the embedded store's records (format 2). An object record is its two revisions
 * and its JSON text as UTF-8, the key being LMDB's own; a change record is the event's kind, key
 * and the versions it carries. Plain bytes rather than JSON of a `KeyValue`: the text is not
 * escaped into a string again and the key is not stored twice, and LZ4 (with the store's
 * dictionary) then shrinks a record to about a quarter, so far more of them share a page.
 */
import type { KeyValue, StorageEvent } from "../storage.ts";

const PUT = 0;
const PUT_WITH_PREV = 1;
const DELETE = 2;
/** Two float64 revisions: exact up to 2^53, far beyond any store's write count. */
const REVISIONS = 16;

/** What the objects database holds under a key. */
export type StoredObject = Omit<KeyValue, "key">;

/** The record of `object` in the objects database. */
export function encodeObject(object: StoredObject): Buffer {
  const bytes = Buffer.allocUnsafe(REVISIONS + Buffer.byteLength(object.value));
  bytes.writeDoubleLE(object.createRevision, 0);
  bytes.writeDoubleLE(object.modRevision, 8);
  bytes.write(object.value, REVISIONS, "utf8");
  return bytes;
}

/** The object whose record is the first `size` bytes of `bytes`. */
export function decodeObject(bytes: Buffer, size: number = bytes.length): StoredObject {
  return {
    createRevision: bytes.readDoubleLE(0),
    modRevision: bytes.readDoubleLE(8),
    value: bytes.toString("utf8", REVISIONS, size),
  };
}

/** An object's revisions without its text. */
export type ObjectRevisions = Omit<StoredObject, "value">;

/** The revisions of the object record `bytes`, its text left undecoded. */
export function decodeRevisions(bytes: Buffer): ObjectRevisions {
  return { createRevision: bytes.readDoubleLE(0), modRevision: bytes.readDoubleLE(8) };
}

/**
 * The lmdb-js encoder of the objects database. A custom decoder is handed LMDB's shared read
 * buffer rather than a copy of each record (the `binary` encoding copies every value into a new
 * Buffer, which made reading a list of 100,000 objects mostly allocation and garbage collection).
 */
export const objectEncoder = { encode: encodeObject, decode: decodeObject };

/** The encoder of a second, read-only view of the objects database that decodes revisions only. */
export const revisionsEncoder = { encode: encodeObject, decode: decodeRevisions };

/** The record of `event` in the changes database (its revision is the record's key). */
export function encodeEvent(event: StorageEvent): Buffer {
  const key = event.type === "put" ? event.kv.key : event.key;
  const versions = event.type === "put" ? (event.prev ? [event.kv, event.prev] : [event.kv]) : [event.prev];
  const kind = event.type === "delete" ? DELETE : event.prev ? PUT_WITH_PREV : PUT;
  let size = 1 + 4 + Buffer.byteLength(key);
  for (const v of versions) size += REVISIONS + 4 + Buffer.byteLength(v.value);
  const bytes = Buffer.allocUnsafe(size);
  let at = bytes.writeUInt8(kind, 0);
  at = writeText(bytes, at, key);
  for (const v of versions) {
    at = bytes.writeDoubleLE(v.createRevision, at);
    at = bytes.writeDoubleLE(v.modRevision, at);
    at = writeText(bytes, at, v.value);
  }
  return bytes;
}

/** The key of the change record `bytes`, without decoding its values. */
export function eventKeyOf(bytes: Buffer): string {
  return readText(bytes, 1)[0];
}

/** The event stored at `revision` as `bytes`. */
export function decodeEvent(revision: number, bytes: Buffer): StorageEvent {
  const kind = bytes.readUInt8(0);
  const [key, afterKey] = readText(bytes, 1);
  let at = afterKey;
  const version = (): KeyValue => {
    const createRevision = bytes.readDoubleLE(at);
    const modRevision = bytes.readDoubleLE(at + 8);
    const [value, next] = readText(bytes, at + REVISIONS);
    at = next;
    return { key, value, createRevision, modRevision };
  };
  switch (kind) {
    case PUT:
      return { type: "put", revision, kv: version() };
    case PUT_WITH_PREV: {
      const kv = version();
      return { type: "put", revision, kv, prev: version() };
    }
    case DELETE:
      return { type: "delete", revision, key, prev: version() };
    default:
      throw new Error(`change record at revision ${revision} has unknown kind ${kind}`);
  }
}

function writeText(bytes: Buffer, at: number, text: string): number {
  const length = bytes.write(text, at + 4, "utf8");
  bytes.writeUInt32LE(length, at);
  return at + 4 + length;
}

function readText(bytes: Buffer, at: number): [string, number] {
  const length = bytes.readUInt32LE(at);
  return [bytes.toString("utf8", at + 4, at + 4 + length), at + 4 + length];
}
