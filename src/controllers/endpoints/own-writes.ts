/**
 * What the controller last wrote, until its informer has caught up. Without it, a sync that runs
 * before the watch brought back the previous write sends a stale resourceVersion, gets a 409 and
 * backs off, which under a steady stream of pod changes grows into seconds of lag (the
 * EndpointSlice controller's endpointSliceTracker answers the same problem).
 */
import type { KubeObject } from "../../api/types.ts";

function revision(obj: KubeObject): number {
  return Number(obj.metadata.resourceVersion ?? Number.NaN);
}

/** The objects of one kind this controller wrote, by `namespace/name`. */
export class OwnWrites<T extends KubeObject> {
  readonly #written = new Map<string, T>();

  /** The newer of the informer's copy and this controller's last write of `key`. */
  current(key: string, cached: T | undefined): T | undefined {
    const written = this.#written.get(key);
    if (written === undefined) return cached;
    // kdns's resourceVersions are storage revisions, so they order; anything else trusts the cache.
    if (cached !== undefined && !(revision(cached) < revision(written))) {
      this.#written.delete(key);
      return cached;
    }
    return written;
  }

  /** The digest of what this controller is writing or last wrote of `key`, until it comes back. */
  readonly #sent = new Map<string, string>();

  /** Notes that `digest` is about to be written to `key` (before the write: its echo may beat the response). */
  sending(key: string, digest: string): void {
    this.#sent.set(key, digest);
  }

  /**
   * Whether `obj`, just heard from the informer, is what this controller wrote to `key` coming
   * back: it answers the sync that wrote it, so syncing again would only compute the same objects
   * (the EndpointSlice controller's endpointSliceTracker.ShouldSync). Told by content, since in one
   * process the watch event often arrives before the write's response.
   */
  isEcho(key: string, obj: T & { digest: string }): boolean {
    if (this.#sent.get(key) !== obj.digest) return false;
    this.#sent.delete(key);
    return true;
  }

  /** This controller's last write of `key`, if `obj` is that write (same resourceVersion). */
  writtenAs(key: string, obj: KubeObject): T | undefined {
    const rv = obj.metadata.resourceVersion;
    const written = this.#written.get(key);
    return rv !== undefined && written?.metadata.resourceVersion === rv ? written : undefined;
  }

  /** Remembers what a create or update returned. */
  wrote(key: string, obj: T): void {
    this.#written.set(key, obj);
  }

  /**
   * Heard that `obj` (at `key`) was deleted: the last write is gone too unless it is newer than
   * the deleted version (a stale delete event of an earlier incarnation).
   */
  deleted(key: string, obj: KubeObject): void {
    const written = this.#written.get(key);
    if (written === undefined || !(revision(obj) < revision(written))) this.forget(key);
  }

  /** Forgets `key` (deleted, or a write failed and the cache is the best guess again). */
  forget(key: string): void {
    this.#written.delete(key);
    this.#sent.delete(key);
  }
}
