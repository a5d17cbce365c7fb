/** Secret defaults (Kubernetes SetDefaults_Secret): an unset type is `Opaque`. */
import { type KubeObject, SECRET_TYPES } from "../types.ts";

/** Defaults a Secret in place; never throws. */
export function defaultSecret(obj: KubeObject): void {
  if (obj["type"] === undefined || obj["type"] === null || obj["type"] === "") obj["type"] = SECRET_TYPES.opaque;
}
