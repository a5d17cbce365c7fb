/**
 * The embedded store's on-disk format and the upgrade to it. Format 1 (no `format` in meta) kept
 * each object as lmdb-js JSON of its `KeyValue` in `kv` and each change as JSON of its event in
 * `log`; format 2 keeps the bytes of record-codec.ts, LZ4-compressed with a dictionary saved in
 * meta, in `objects` and `changes`. Opening a format 1 store upgrades it (a crash midway leaves
 * format 1 untouched and the next open starts again); a store from a newer kdns is refused.
 */
import type { Database, RootDatabase } from "lmdb";
import { logger } from "../../machinery/log.ts";
import type { KeyValue, StorageEvent } from "../storage.ts";
import { NEW_STORE_DICTIONARY } from "./dictionary.ts";
import {
  encodeEvent,
  type ObjectRevisions,
  objectEncoder,
  revisionsEncoder,
  type StoredObject,
} from "./record-codec.ts";

const log = logger("embedded-storage");

/** The format this code reads and writes. */
export const FORMAT = 2;

/** Values smaller than this are stored uncompressed (LZ4 gains little on them). */
const COMPRESSION_THRESHOLD = 128;

/** The entries of the meta database read as JSON: the format's own, and format 1's counters. */
export type MetaKey = "format" | "dictionary" | "revision" | "compacted";

/** The store's revision counters. */
export type Counter = "revision" | "compacted";

/**
 * Format 2's revision counters (in meta, under format 1's names): a NUL byte and a float64. Format
 * 1's code reads `revision` as JSON when it opens a store, and this is not JSON, so an older kdns
 * fails to open an upgraded store with an error instead of taking it for an empty one.
 */
const counterEncoder = {
  encode(value: number): Buffer {
    const bytes = Buffer.alloc(9);
    bytes.writeDoubleLE(value, 1);
    return bytes;
  },
  decode: (bytes: Buffer): number => bytes.readDoubleLE(1),
};

/** The store's databases, opened in its format. */
export interface Databases {
  /** Key → object. */
  objects: Database<StoredObject, string>;
  /** The same database, read for revisions only (the texts are not decoded). */
  revisions: Database<ObjectRevisions, string>;
  /** Revision → encoded event. */
  changes: Database<Buffer, number>;
  meta: Database<number | string, MetaKey>;
  /** The revision counters (0 before the first write). */
  counters: Database<number, Counter>;
}

/** Opens the databases of the store at `root` (in `path`), creating or upgrading it as needed. */
export function openDatabases(root: RootDatabase, path: string): Databases {
  const meta = root.openDB<number | string, MetaKey>("meta", { encoding: "json" });
  const format = meta.get("format");
  if (format !== undefined && format !== FORMAT) {
    throw new Error(
      `the embedded store in ${path} has format ${String(format)}, which this kdns (format ${FORMAT}) cannot read: run the kdns that wrote it, or start on an empty --data-dir`,
    );
  }
  const saved = meta.get("dictionary");
  const dictionary = typeof saved === "string" ? saved : NEW_STORE_DICTIONARY;
  if (format === FORMAT && typeof saved !== "string")
    throw new Error(`the embedded store in ${path} has format ${FORMAT} but no compression dictionary`);
  const compression = { threshold: COMPRESSION_THRESHOLD, dictionary: Buffer.from(dictionary) };
  // `encoder` is an lmdb-js option its types leave out.
  const objectOptions = { encoder: objectEncoder, compression };
  const revisionOptions = { encoder: revisionsEncoder, compression };
  const counterOptions = { encoder: counterEncoder, cache: false };
  const dbs: Databases = {
    objects: root.openDB<StoredObject, string>("objects", objectOptions),
    revisions: root.openDB<ObjectRevisions, string>("objects", revisionOptions),
    changes: root.openDB<Buffer, number>("changes", { encoding: "binary", compression }),
    meta,
    counters: root.openDB<number, Counter>("meta", counterOptions),
  };
  if (format === undefined) {
    // Every format 1 write stored the revision: without it there is nothing to upgrade.
    const mark = (): void => {
      meta.putSync("format", FORMAT);
      meta.putSync("dictionary", dictionary);
    };
    if (meta.get("revision") !== undefined) upgradeFromFormat1(root, dbs, mark);
    else root.transactionSync(mark);
  }
  return dbs;
}

/**
 * Writes the change record of `revision`, which must be newer than every one there. As an append
 * (MDB_APPEND): LMDB then fills each page before starting the next instead of splitting full
 * pages in half, as it does for keys that might still arrive in between.
 */
export function appendChange(dbs: Databases, revision: number, record: Buffer): void {
  // lmdb-js answers false (its types say void) when the key is not after the last one.
  const stored: unknown = dbs.changes.putSync(revision, record, { append: true });
  if (stored === false) throw new Error(`change ${revision} is not newer than the last one stored`);
}

/** Records rewritten per write transaction of the upgrade. */
const UPGRADE_CHUNK = 5_000;

/**
 * Rewrites format 1's `kv` and `log` into `objects` and `changes`, then drops them. In chunks:
 * LMDB keeps the memory of a transaction's dirty pages for the life of the process, and one
 * transaction of 100,000 objects would hold ~100 MB. Until `mark` writes the format (with the
 * drop of the old databases) the store is still format 1 with its data untouched, so an upgrade cut short by a
 * crash is simply done again on the next open, rewriting the same records.
 */
function upgradeFromFormat1(root: RootDatabase, dbs: Databases, mark: () => void): void {
  const started = Date.now();
  const kv = root.openDB<KeyValue, string>("kv", { encoding: "json" });
  const changes = root.openDB<StorageEvent, number>("log", { encoding: "json" });
  let objects = 0;
  for (let after: string | undefined; ; ) {
    const chunk = [...kv.getRange({ ...(after !== undefined ? { start: after } : {}), limit: UPGRADE_CHUNK + 1 })]
      .filter(({ key }) => key !== after)
      .slice(0, UPGRADE_CHUNK);
    if (chunk.length === 0) break;
    root.transactionSync(() => {
      for (const { key, value } of chunk) dbs.objects.putSync(key, value);
    });
    objects += chunk.length;
    after = chunk[chunk.length - 1]!.key;
  }
  for (let from = 0; ; ) {
    const chunk = [...changes.getRange({ start: from, limit: UPGRADE_CHUNK })];
    if (chunk.length === 0) break;
    root.transactionSync(() => {
      for (const { key, value } of chunk) appendChange(dbs, key, encodeEvent(value));
    });
    from = chunk[chunk.length - 1]!.key + 1;
  }
  // Dropped only now, with the format marked in the same transaction: before it, format 1 is complete.
  root.transactionSync(() => {
    const revision = dbs.meta.get("revision");
    const compacted = dbs.meta.get("compacted");
    if (typeof revision === "number") dbs.counters.putSync("revision", revision);
    if (typeof compacted === "number") dbs.counters.putSync("compacted", compacted);
    kv.dropSync();
    changes.dropSync();
    mark();
  });
  log.info({ objects, ms: Date.now() - started }, `upgraded the embedded store to format ${FORMAT}`);
}
