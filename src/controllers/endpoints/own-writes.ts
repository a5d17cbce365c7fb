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

  /**
   * Whether `obj`, just heard from the informer, is this controller's last write of `key` coming
   * back: it answers the sync that wrote it, so syncing again would only compute the same objects
   * (the EndpointSlice controller's endpointSliceTracker.ShouldSync). The cache has caught up, so
   * the write is forgotten.
   */
  isEcho(key: string, obj: T): boolean {
    const written = this.#written.get(key);
    const rv = obj.metadata.resourceVersion;
    if (rv === undefined || written?.metadata.resourceVersion !== rv) return false;
    this.#written.delete(key);
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

  /** Forgets `key` (deleted, or a write failed and the cache is the best guess again). */
  forget(key: string): void {
    this.#written.delete(key);
  }
}
