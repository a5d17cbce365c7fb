/** Namespace defaults, as kube-apiserver fills them on create. */
import type { KubeObject } from "../types.ts";
import { isRecord } from "../validation/guards.ts";

/** Defaults a Namespace in place: phase Active, finalizer "kubernetes"; never throws. */
export function defaultNamespace(obj: KubeObject): void {
  if (obj.spec === undefined) obj.spec = {};
  if (isRecord(obj.spec) && obj.spec["finalizers"] === undefined) obj.spec["finalizers"] = ["kubernetes"];
  if (obj.status === undefined) obj.status = {};
  if (isRecord(obj.status) && (obj.status["phase"] === undefined || obj.status["phase"] === ""))
    obj.status["phase"] = "Active";
}
