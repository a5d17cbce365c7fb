/**
 * GatewayClass validation, as the upstream CRD states it: `spec.controllerName` is a domain-prefixed
 * path (`kdns.dev/gateway`) and cannot change; `description` is at most 64 characters;
 * `parametersRef` names a group, kind and name.
 */
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1123Subdomain } from "../../machinery/validate-names.ts";
import type { KubeObject } from "../types.ts";
import { invalidValue, requiredValue } from "./field-errors.ts";
import { checkString, groupErrors, kindErrors, namespaceErrors, objectAt } from "./gateway-api-fields.ts";
import { isRecord, prop } from "./guards.ts";
import { validateObjectMeta } from "./metadata.ts";

const CONTROLLER_RE =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

function controllerNameErrors(value: string): string[] {
  if (value.length > 253) return ["must be no more than 253 characters"];
  return CONTROLLER_RE.test(value)
    ? []
    : ["must be a domain-prefixed path, such as 'kdns.dev/gateway' (a DNS subdomain, '/', then a path)"];
}

/** Validates a GatewayClass; `old` is set on update (controllerName is immutable). */
export function validateGatewayClass(obj: KubeObject, old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Subdomain, namespaced: false });
  const spec = prop(obj, "spec");
  if (!isRecord(spec)) return [...causes, requiredValue("spec")];
  causes.push(...checkString(spec["controllerName"], "spec.controllerName", controllerNameErrors, true));
  const before = prop(prop(old, "spec"), "controllerName");
  if (old !== undefined && before !== spec["controllerName"])
    causes.push(...invalidValue("spec.controllerName", spec["controllerName"], "field is immutable"));
  causes.push(
    ...checkString(spec["description"], "spec.description", (d) =>
      d.length > 64 ? ["must be no more than 64 characters"] : [],
    ),
  );
  causes.push(
    ...objectAt(spec["parametersRef"], "spec.parametersRef", (ref) => [
      ...checkString(ref["group"], "spec.parametersRef.group", groupErrors, false),
      ...checkString(ref["kind"], "spec.parametersRef.kind", kindErrors, true),
      ...checkString(ref["name"], "spec.parametersRef.name", isDNS1123Subdomain, true),
      ...checkString(ref["namespace"], "spec.parametersRef.namespace", namespaceErrors),
    ]),
  );
  return causes;
}
