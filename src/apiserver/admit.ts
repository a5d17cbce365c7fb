/** Defaulting then validation through the resource table, as kube-apiserver's strategy does. */
import type { ResourceInfo } from "../api/resources.ts";
import type { KubeObject } from "../api/types.ts";
import { invalid } from "../machinery/status.ts";

/** Applies defaults in place, then throws 422 Invalid with every failing field. */
export function admit(info: ResourceInfo, obj: KubeObject, old?: KubeObject): void {
  info.applyDefaults(obj);
  const causes = info.validate(obj, old);
  if (causes.length > 0) {
    // details.kind of Invalid is the Kind (apierrors.NewInvalid), which kubectl prints: `The Service "x" is invalid`.
    throw invalid(
      { kind: info.kind, name: obj.metadata.name ?? "", ...(info.group ? { group: info.group } : {}) },
      causes,
    );
  }
}
