/**
 * The watch verb: newline-delimited JSON events from `storage.watch`.
 * Semantics follow kube-apiserver: no resourceVersion (or "0") starts with an ADDED per current
 * object, as does `sendInitialEvents=true` (then followed, with `allowWatchBookmarks=true`, by a
 * BOOKMARK marking the end of the initial events), while `sendInitialEvents=false` starts at the current revision without them;
 * a too-old resourceVersion ends the stream with an ERROR event holding a 410 Expired `Status`, as
 * does one newer than the store's (a client resuming across a restart on an emptied store);
 * selectors turn objects that stop (start) matching into DELETED (ADDED). Events are written as
 * fast as the client reads them, and a client that falls behind is closed ({@link WatchStream}).
 */
import type { ServerResponse } from "node:http";
import { apiVersionOf, type ResourceInfo } from "../api/resources.ts";
import type { KubeObject, WatchEvent } from "../api/types.ts";
import { logger } from "../machinery/log.ts";
import { ApiError } from "../machinery/status.ts";
import { CompactedError, type StorageEvent } from "../storage/storage.ts";
import { decodeObject, objectJson } from "./codec.ts";
import type { ApiContext } from "./context.ts";
import { collectionPrefix } from "./keys.ts";
import { boolParam, intParam } from "./query-params.ts";
import { listObjects, tooLargeResourceVersion } from "./read.ts";
import { statusOf } from "./respond.ts";
import { filterOf, type ObjectFilter } from "./selectors.ts";
import { WatchStream } from "./watch-stream.ts";

const log = logger("apiserver");

/** Live events a watcher may have waiting for its socket before it is closed (as the watch cache's history). */
const DEFAULT_WATCH_QUEUE_LIMIT = 10_000;

/** What to send for one storage event, after selectors; undefined = nothing. */
export function toWatchEvent(ev: StorageEvent, filter: ObjectFilter | undefined): WatchEvent | undefined {
  if (ev.type === "delete") {
    const old = decodeObject(ev.prev, ev.revision);
    return !filter || filter(old) ? { type: "DELETED", object: old } : undefined;
  }
  const obj = decodeObject(ev.kv);
  const matchesNow = !filter || filter(obj);
  const matchedBefore = ev.prev !== undefined && (!filter || filter(decodeObject(ev.prev)));
  if (matchesNow) return { type: matchedBefore ? "MODIFIED" : "ADDED", object: obj };
  return matchedBefore ? { type: "DELETED", object: obj } : undefined;
}

/**
 * The line {@link toWatchEvent} would make for a watch without selectors, spliced from the stored
 * text instead of parsed and serialized again: every watcher of a resource sends each event.
 */
export function watchEventLine(ev: StorageEvent): string {
  const object = ev.type === "delete" ? objectJson(ev.prev, ev.revision) : objectJson(ev.kv);
  const type = ev.type === "delete" ? "DELETED" : ev.prev === undefined ? "ADDED" : "MODIFIED";
  return `{"type":"${type}","object":${object}}\n`;
}

/** Turns an event's object into what is sent (e.g. a one-row Table); `first` is true for the first one sent. */
export type WatchEncoder = (obj: KubeObject, first: boolean) => unknown;

/** Streams a watch on `info` (one namespace or all) to `res` until the client leaves or time runs out. */
export async function serveWatch(
  ctx: ApiContext,
  info: ResourceInfo,
  namespace: string | undefined,
  query: URLSearchParams,
  res: ServerResponse,
  encode?: WatchEncoder,
): Promise<void> {
  const filter = filterOf(query, info);
  const timeoutSeconds = intParam(query, "timeoutSeconds");
  const bookmarks = boolParam(query, "allowWatchBookmarks") === true;
  const rvText = query.get("resourceVersion") ?? "";
  if (rvText !== "" && !/^[0-9]+$/.test(rvText))
    throw new ApiError(400, "BadRequest", `invalid resourceVersion: "${rvText}"`);
  const sendInitialEvents = boolParam(query, "sendInitialEvents");
  // metav1.ListOptions: sendInitialEvents defaults to true for resourceVersion "" or "0", else false.
  const fromList = sendInitialEvents ?? (rvText === "" || rvText === "0");

  const abort = new AbortController();
  const onClose = (): void => abort.abort();
  res.on("close", onClose);
  const timers: NodeJS.Timeout[] = [];
  if (timeoutSeconds !== undefined && timeoutSeconds > 0)
    timers.push(setTimeout(() => abort.abort(), timeoutSeconds * 1000));

  let last = fromList ? 0 : Number(rvText);
  const initial: KubeObject[] = [];
  /** Set when the client resumes from a revision the store has not reached (a restart on an emptied store). */
  let tooLarge: number | undefined;
  /** Events up to this revision are history replayed to a resuming client: like initial events, not counted as lag. */
  let replayUntil = 0;
  try {
    if (!fromList && (rvText === "" || rvText === "0")) last = await ctx.storage.revision();
    else if (!fromList) {
      const current = await ctx.storage.revision();
      if (last > current) tooLarge = current;
      replayUntil = current;
    }
    if (fromList) {
      // sendInitialEvents from a resourceVersion: the state listed must be at least that recent.
      if (rvText !== "" && rvText !== "0") {
        const current = await ctx.storage.revision();
        if (Number(rvText) > current) throw tooLargeResourceVersion(Number(rvText), current);
      }
      const list = await listObjects(
        ctx,
        info,
        namespace,
        query.has("labelSelector") || query.has("fieldSelector") ? filterQuery(query) : new URLSearchParams(),
      );
      last = Number(list.metadata.resourceVersion);
      initial.push(...list.items);
    }
  } catch (err) {
    cleanup();
    throw err;
  }

  res.writeHead(200, {
    "content-type": "application/json",
    "transfer-encoding": "chunked",
    "cache-control": "no-cache",
  });
  res.socket?.setNoDelay(true);
  res.flushHeaders();
  let first = true;
  const render = (item: StorageEvent | WatchEvent): string | undefined => {
    const stored = item.type === "put" || item.type === "delete";
    if (stored && !filter && !encode) return watchEventLine(item);
    const ev = stored ? toWatchEvent(item, filter) : item;
    if (!ev) return undefined;
    const encoded =
      encode && ev.type !== "ERROR" && ev.type !== "BOOKMARK"
        ? { type: ev.type, object: encode(ev.object, first) }
        : ev;
    if (encoded !== ev) first = false;
    return `${JSON.stringify(encoded)}\n`;
  };
  const stream = new WatchStream<StorageEvent | WatchEvent>(res, {
    limit: ctx.watchQueueLimit ?? DEFAULT_WATCH_QUEUE_LIMIT,
    render,
    fellBehindLine: (queued) => {
      const message = `watcher fell behind: ${queued} events not yet read by the client`;
      return `${JSON.stringify({ type: "ERROR", object: new ApiError(410, "Expired", message).status })}\n`;
    },
    onFellBehind: (queued) => {
      log.warn({ resource: info.resource, namespace, queued }, "closing a watcher that fell behind");
      ctx.requests?.watcherTerminated(info);
      abort.abort();
    },
  });
  const send = (ev: WatchEvent): void => stream.push(ev, false);
  if (tooLarge !== undefined) {
    // Waiting for the store to reach the revision would leave the client silent, maybe for ever:
    // 410 makes informers and kubectl relist, as after a compaction.
    const message = `too large resource version: ${last} (current ${tooLarge})`;
    send({ type: "ERROR", object: new ApiError(410, "Expired", message).status as unknown as KubeObject });
    cleanup();
    await stream.end();
    return;
  }
  for (const object of initial.splice(0)) send({ type: "ADDED", object });
  // Only to a client that takes bookmarks, as the cacher's getBookmarkAfterResourceVersionLockedFunc.
  if (sendInitialEvents === true && bookmarks) send(bookmark(info, last, { [INITIAL_EVENTS_END]: "true" }));
  if (bookmarks) {
    timers.push(
      setInterval(() => {
        if (stream.idle) send(bookmark(info, last));
      }, ctx.bookmarkIntervalMs),
    );
  }
  try {
    for await (const ev of ctx.storage.watch(collectionPrefix(info, namespace), last, { signal: abort.signal })) {
      last = ev.revision;
      stream.push(ev, ev.revision > replayUntil);
    }
  } catch (err) {
    if (!abort.signal.aborted) {
      const status =
        err instanceof CompactedError
          ? new ApiError(410, "Expired", `too old resource version: ${last} (${err.compactRevision})`).status
          : statusOf(err);
      if (!(err instanceof CompactedError)) log.warn({ err }, "watch ended by a storage error");
      send({ type: "ERROR", object: status as unknown as KubeObject });
    }
  } finally {
    cleanup();
    await stream.end();
  }

  function cleanup(): void {
    for (const t of timers) clearTimeout(t);
    res.off("close", onClose);
    abort.abort();
  }
}

/** The annotation on the BOOKMARK that ends the initial events of a `sendInitialEvents=true` watch. */
const INITIAL_EVENTS_END = "k8s.io/initial-events-end";

/** A BOOKMARK: only kind, apiVersion and the revision (and annotations, when given). */
function bookmark(info: ResourceInfo, revision: number, annotations?: Record<string, string>): WatchEvent {
  const metadata = { resourceVersion: String(revision), ...(annotations ? { annotations } : {}) };
  return { type: "BOOKMARK", object: { kind: info.kind, apiVersion: apiVersionOf(info), metadata } };
}

function filterQuery(query: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams();
  for (const name of ["labelSelector", "fieldSelector"]) {
    const v = query.get(name);
    if (v !== null) q.set(name, v);
  }
  return q;
}
