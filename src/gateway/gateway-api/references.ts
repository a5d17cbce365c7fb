/**
 * ReferenceGrant checks (gateway.networking.k8s.io): a reference into another namespace holds only
 * when a ReferenceGrant in the target namespace lists the referrer's group, kind and namespace in
 * `from` and the target's group, kind (and name, when it names one) in `to`.
 */
import type { ReferenceGrant } from "../../api/gateway-api-types.ts";

/** One side of a reference. */
export interface RefEnd {
  group: string;
  kind: string;
  namespace: string;
}

/** Whether `from` may refer to `to` (named `toName`): always in one namespace, else by a grant. */
export function referenceAllowed(grants: readonly ReferenceGrant[], from: RefEnd, to: RefEnd, toName: string): boolean {
  if (from.namespace === to.namespace) return true;
  return grants.some(
    (g) =>
      (g.metadata.namespace ?? "default") === to.namespace &&
      (g.spec?.from ?? []).some(
        (f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace,
      ) &&
      (g.spec?.to ?? []).some(
        (t) =>
          t.group === to.group && t.kind === to.kind && (t.name === undefined || t.name === "" || t.name === toName),
      ),
  );
}
