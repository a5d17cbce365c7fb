/**
 * The etcd v3 backend, for running several API servers over one control plane. Keys live under a
 * prefix (default `/registry/`, as kube-apiserver does); an object's revision is etcd's mod
 * revision, and every compare-and-swap is one etcd transaction.
 */
import { noop } from "cockatiel";
import { Etcd3, type ICompare, type IRangeResponse, type IRequestOp, type ITxnResponse } from "etcd3";
import {
  CompactedError,
  type CreateResult,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Storage,
  type StorageEvent,
  type SwapResult,
  type WatchOptions,
} from "../storage.ts";
import { isCompactedError, prefixRangeEnd, storageError, toKeyValue } from "./etcd-codec.ts";
import { etcdWatch } from "./etcd-watch.ts";

/** Options of {@link EtcdStorage.open}. */
export interface EtcdStorageOptions {
  /** Client URLs, e.g. `http://127.0.0.1:2379`. */
  endpoints: string[];
  /** Prepended to every key (default `/registry/`). */
  prefix?: string;
  /** Deadline of each call (default 5 s). */
  callTimeoutMs?: number;
}

const HEALTH_TIMEOUT_MS = 1_000;

/** The etcd backend; open it with {@link EtcdStorage.open}. */
export class EtcdStorage implements Storage {
  readonly #client: Etcd3;
  readonly #prefix: Buffer;

  private constructor(client: Etcd3, prefix: string) {
    this.#client = client;
    this.#prefix = Buffer.from(prefix);
  }

  /** Connects lazily: this never fails for an unreachable etcd; calls do, and `healthy()` says so. */
  static async open(options: EtcdStorageOptions): Promise<EtcdStorage> {
    const timeout = options.callTimeoutMs ?? 5_000;
    const client = new Etcd3({
      hosts: options.endpoints,
      dialTimeout: timeout,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeout }),
      // No retries or circuit breaker: writes must not be replayed blindly, and the API server
      // answers 503 at once so clients retry with their own backoff.
      faultHandling: { host: () => noop, global: noop },
    });
    return new EtcdStorage(client, options.prefix ?? "/registry/");
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.#range({ key: this.#full(key) }, "get");
    const kv = res.kvs[0];
    return kv ? toKeyValue(kv, this.#prefix.length) : undefined;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const full = this.#full(prefix);
    const start =
      options.startAfter !== undefined && options.startAfter >= prefix
        ? Buffer.concat([this.#full(options.startAfter), Buffer.from([0])])
        : full;
    const res = await this.#range(
      {
        key: start,
        range_end: prefixRangeEnd(full),
        ...(options.limit !== undefined && options.limit > 0 ? { limit: options.limit } : {}),
        ...(options.revision !== undefined ? { revision: options.revision } : {}),
      },
      "list",
    );
    return {
      items: res.kvs.map((kv) => toKeyValue(kv, this.#prefix.length)),
      revision: options.revision ?? Number(res.header.revision),
      more: res.more,
    };
  }

  async create(key: string, value: string): Promise<CreateResult> {
    const full = this.#full(key);
    const res = await this.#txn(
      [{ key: full, target: "Create", result: "Equal", create_revision: 0 }],
      { request_put: { key: full, value: Buffer.from(value) } },
      full,
    );
    if (res.succeeded) {
      const revision = Number(res.header.revision);
      return { type: "ok", kv: { key, value, createRevision: revision, modRevision: revision } };
    }
    const current = this.#currentOf(res);
    if (!current) throw storageError(new Error(`create of ${key} failed its compare but the key is missing`), "create");
    return { type: "exists", current };
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<SwapResult> {
    const full = this.#full(key);
    const res = await this.#txn(
      this.#swapCompares(full, expectedModRevision),
      { request_put: { key: full, value: Buffer.from(value), prev_kv: true } },
      full,
    );
    if (!res.succeeded) return this.#failedSwap(res);
    const prev = res.responses[0]?.response_put.prev_kv;
    const revision = Number(res.header.revision);
    return {
      type: "ok",
      kv: { key, value, createRevision: prev ? Number(prev.create_revision) : revision, modRevision: revision },
    };
  }

  async delete(key: string, expectedModRevision?: number): Promise<SwapResult> {
    const full = this.#full(key);
    const res = await this.#txn(
      this.#swapCompares(full, expectedModRevision),
      { request_delete_range: { key: full, prev_kv: true } },
      full,
    );
    if (!res.succeeded) return this.#failedSwap(res);
    const prev = res.responses[0]?.response_delete_range.prev_kvs[0];
    if (!prev) return { type: "not-found" };
    return { type: "ok", kv: { ...toKeyValue(prev, this.#prefix.length), modRevision: Number(res.header.revision) } };
  }

  watch(prefix: string, afterRevision: number, options: WatchOptions): AsyncIterable<StorageEvent> {
    const full = this.#full(prefix);
    return {
      [Symbol.asyncIterator]: () =>
        etcdWatch(afterRevision, {
          watchClient: this.#client.watchClient,
          key: full,
          rangeEnd: prefixRangeEnd(full),
          prefixLength: this.#prefix.length,
          signal: options.signal,
        }),
    };
  }

  async revision(): Promise<number> {
    const res = await this.#range({ key: this.#prefix, count_only: true }, "revision");
    return Number(res.header.revision);
  }

  async healthy(): Promise<boolean> {
    try {
      await this.#client.kv.range(
        { key: this.#prefix, count_only: true },
        { deadline: Date.now() + HEALTH_TIMEOUT_MS },
      );
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.#client.close();
  }

  #full(key: string): Buffer {
    return Buffer.concat([this.#prefix, Buffer.from(key)]);
  }

  /** Compares of an update or delete: the key exists and (if given) its mod revision matches. */
  #swapCompares(full: Buffer, expectedModRevision: number | undefined): ICompare[] {
    const compares: ICompare[] = [{ key: full, target: "Create", result: "Greater", create_revision: 0 }];
    if (expectedModRevision !== undefined)
      compares.push({ key: full, target: "Mod", result: "Equal", mod_revision: expectedModRevision });
    return compares;
  }

  #currentOf(res: ITxnResponse): KeyValue | undefined {
    const kv = res.responses[0]?.response_range.kvs[0];
    return kv ? toKeyValue(kv, this.#prefix.length) : undefined;
  }

  #failedSwap(res: ITxnResponse): SwapResult {
    const current = this.#currentOf(res);
    return current ? { type: "conflict", current } : { type: "not-found" };
  }

  /** One transaction: `success` if every compare holds, else a read of `key` (the current value). */
  async #txn(compare: ICompare[], success: IRequestOp, key: Buffer): Promise<ITxnResponse> {
    try {
      return await this.#client.kv.txn({ compare, success: [success], failure: [{ request_range: { key } }] });
    } catch (err) {
      throw storageError(err, "transaction");
    }
  }

  async #range(req: Parameters<Etcd3["kv"]["range"]>[0], what: string): Promise<IRangeResponse> {
    try {
      return await this.#client.kv.range(req);
    } catch (err) {
      if (isCompactedError(err)) {
        const requested = Number(req.revision ?? 0);
        throw new CompactedError(requested, await this.#compactRevision(requested));
      }
      if (err instanceof Error && err.message.includes("future revision")) {
        throw new RangeError(`revision ${String(req.revision)} is newer than the current revision`);
      }
      throw storageError(err, what);
    }
  }

  /** etcd tells the compact revision only to a watch: ask one that starts too early. */
  async #compactRevision(requested: number): Promise<number> {
    const ac = new AbortController();
    const probe = etcdWatch(0, {
      watchClient: this.#client.watchClient,
      key: this.#prefix,
      rangeEnd: prefixRangeEnd(this.#prefix),
      prefixLength: this.#prefix.length,
      signal: AbortSignal.any([ac.signal, AbortSignal.timeout(HEALTH_TIMEOUT_MS)]),
    });
    try {
      await probe.next();
    } catch (err) {
      if (err instanceof CompactedError) return err.compactRevision;
    } finally {
      ac.abort();
    }
    return requested + 1;
  }
}
