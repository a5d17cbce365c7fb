/**
 * ReferenceGrant validation, as the upstream CRD states it: 1-16 `from` entries (group, kind,
 * namespace) and 1-16 `to` entries (group, kind, optional name).
 */
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1123Subdomain } from "../../machinery/validate-names.ts";
import type { KubeObject } from "../types.ts";
import { requiredValue } from "./field-errors.ts";
import {
  checkString,
  eachOf,
  groupErrors,
  kindErrors,
  namespaceErrors,
  objectAt,
  objectNameErrors,
} from "./gateway-api-fields.ts";
import { isRecord, prop } from "./guards.ts";
import { validateObjectMeta } from "./metadata.ts";

function groupOf(value: unknown, field: string): StatusCause[] {
  // group is required but may be "" (the core group).
  if (value === undefined || value === null) return [requiredValue(field)];
  return checkString(value, field, groupErrors);
}

/** Validates a ReferenceGrant. */
export function validateReferenceGrant(obj: KubeObject, _old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Subdomain, namespaced: true });
  const spec = prop(obj, "spec");
  if (!isRecord(spec)) return [...causes, requiredValue("spec")];
  causes.push(
    ...eachOf(
      spec["from"],
      "spec.from",
      16,
      (v, at) =>
        objectAt(
          v,
          at,
          (f) => [
            ...groupOf(f["group"], `${at}.group`),
            ...checkString(f["kind"], `${at}.kind`, kindErrors, true),
            ...checkString(f["namespace"], `${at}.namespace`, namespaceErrors, true),
          ],
          true,
        ),
      1,
    ),
  );
  causes.push(
    ...eachOf(
      spec["to"],
      "spec.to",
      16,
      (v, at) =>
        objectAt(
          v,
          at,
          (t) => [
            ...groupOf(t["group"], `${at}.group`),
            ...checkString(t["kind"], `${at}.kind`, kindErrors, true),
            ...checkString(t["name"], `${at}.name`, objectNameErrors),
          ],
          true,
        ),
      1,
    ),
  );
  return causes;
}
