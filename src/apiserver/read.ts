/** The get and list verbs. */
import { apiVersionOf, type ResourceInfo } from "../api/resources.ts";
import type { KubeList, KubeObject } from "../api/types.ts";
import { ApiError, gone, notFound } from "../machinery/status.ts";
import { CompactedError, type KeyValue, type ListOptions } from "../storage/storage.ts";
import { decodeObject, objectJson } from "./codec.ts";
import type { ApiContext } from "./context.ts";
import { decodeContinue, encodeContinue } from "./continue-token.ts";
import { collectionPrefix, objectKey } from "./keys.ts";
import { intParam } from "./query-params.ts";
import { filterOf } from "./selectors.ts";

/** GET one object. */
export async function getObject(
  ctx: ApiContext,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
): Promise<KubeObject> {
  const kv = await ctx.storage.get(objectKey(info, namespace, name));
  if (!kv) throw notFound({ kind: info.resource, name, ...(info.group ? { group: info.group } : {}) });
  return decodeObject(kv);
}

/**
 * 504 for a resourceVersion the store has not reached, as kube-apiserver words it; client-go's
 * reflector recognises the cause and relists from the latest state.
 */
export function tooLargeResourceVersion(requested: number, current: number): ApiError {
  const message = `Too large resource version: ${requested}, current: ${current}`;
  return new ApiError(504, "Timeout", `Timeout: ${message}`, {
    causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version", field: "" }],
  });
}

const EXPIRED_CONTINUE =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.";

/**
 * LIST a collection: selectors, `limit`/`continue` paging over one snapshot, and
 * `resourceVersion` + `resourceVersionMatch=Exact` for a read at a past revision, and any other
 * `resourceVersion` read as NotOlderThan (504 when the store has not reached it).
 */
export async function listObjects(
  ctx: ApiContext,
  info: ResourceInfo,
  namespace: string | undefined,
  query: URLSearchParams,
): Promise<KubeList> {
  const filter = filterOf(query, info);
  const { metadata, items } = await collect(ctx, info, namespace, query, (kv) => {
    const obj = decodeObject(kv);
    return !filter || filter(obj) ? obj : undefined;
  });
  return { apiVersion: apiVersionOf(info), kind: `${info.kind}List`, metadata, items };
}

/**
 * {@link listObjects} as JSON text, made from the stored texts without parsing them (a list of
 * 100,000 pods is most of a restart's work); undefined when selectors need the objects parsed.
 */
export async function listObjectsJson(
  ctx: ApiContext,
  info: ResourceInfo,
  namespace: string | undefined,
  query: URLSearchParams,
): Promise<string | undefined> {
  if (filterOf(query, info)) return undefined;
  const { metadata, items } = await collect(ctx, info, namespace, query, objectJson);
  const head = JSON.stringify({ apiVersion: apiVersionOf(info), kind: `${info.kind}List`, metadata });
  return `${head.slice(0, -1)},"items":[${items.join(",")}]}`;
}

/** One page of a list: what `convert` makes of each stored item it keeps (undefined = filtered out). */
async function collect<T>(
  ctx: ApiContext,
  info: ResourceInfo,
  namespace: string | undefined,
  query: URLSearchParams,
  convert: (kv: KeyValue) => T | undefined,
): Promise<{ metadata: KubeList["metadata"]; items: T[] }> {
  const limit = intParam(query, "limit") || undefined;
  const token = query.get("continue");
  const state = token ? decodeContinue(token) : undefined;
  let revision = state?.revision;
  const rv = query.get("resourceVersion");
  const exact = query.get("resourceVersionMatch") === "Exact";
  if (revision === undefined && rv && rv !== "0") {
    const wanted = intParam(query, "resourceVersion") ?? 0;
    if (exact) revision = wanted;
    else {
      // NotOlderThan (also what a resourceVersion without a match means): the latest state will do,
      // if the store has reached it; after a restart on an emptied store it may not have.
      const current = await ctx.storage.revision();
      if (wanted > current) throw tooLargeResourceVersion(wanted, current);
    }
  }
  const prefix = collectionPrefix(info, namespace);
  const items: T[] = [];
  let startAfter = state?.startAfter;
  let more = false;
  let lastKey: string | undefined;
  try {
    for (;;) {
      const opts: ListOptions = {};
      if (revision !== undefined) opts.revision = revision;
      if (startAfter !== undefined) opts.startAfter = startAfter;
      if (limit !== undefined) opts.limit = limit - items.length;
      const page = await ctx.storage.list(prefix, opts);
      revision = page.revision;
      more = false;
      for (const [i, kv] of page.items.entries()) {
        const item = convert(kv);
        if (item === undefined) continue;
        items.push(item);
        lastKey = kv.key;
        if (limit !== undefined && items.length >= limit) {
          more = page.more || i < page.items.length - 1;
          break;
        }
      }
      if (limit === undefined || items.length >= limit || !page.more || page.items.length === 0) break;
      startAfter = page.items[page.items.length - 1]?.key;
    }
  } catch (err) {
    if (err instanceof CompactedError && state) throw gone(EXPIRED_CONTINUE);
    if (err instanceof RangeError && revision !== undefined)
      throw tooLargeResourceVersion(revision, await ctx.storage.revision());
    throw err;
  }
  const metadata: KubeList["metadata"] = { resourceVersion: String(revision ?? 0) };
  if (more && lastKey !== undefined && revision !== undefined)
    metadata.continue = encodeContinue({ revision, startAfter: lastKey });
  return { metadata, items };
}
