/**
 * A version a resource is served at besides the one it is stored at, as a CRD's `versions` list
 * or kube-apiserver's per-group version priorities give it. Objects are stored at the storage
 * version; a request at this version reads and writes them through its conversion
 * (version-conversion.ts), the storage version being the hub every version converts through.
 */
import type { KindSchema } from "./schemas/types.ts";
import type { KubeObject } from "./types.ts";

/** One more served version of a resource, and how its objects differ from the stored ones. */
export interface ServedVersion {
  /** The version (`v1beta1`). */
  name: string;
  /** The schema at this version (its own definition names); absent = the storage version's. */
  schema?: KindSchema;
  /**
   * A stored object's fields as this version has them; `apiVersion` is set by the caller. Absent =
   * the same fields (the version differs in name only).
   */
  fromStorage?(obj: KubeObject): KubeObject;
  /** The inverse of {@link fromStorage}: an object of this version's fields as stored. */
  toStorage?(obj: KubeObject): KubeObject;
}
