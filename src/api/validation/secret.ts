/**
 * Secret validation (Kubernetes ValidateSecret and ValidateSecretUpdate). Runs after input
 * conversion, so `data` holds canonical base64 and `stringData` is merged in. No cause ever
 * carries a data value: keys are echoed, values are not.
 */
import { isDeepStrictEqual } from "node:util";
import { decodeBase64 } from "../../machinery/base64.ts";
import type { StatusCause } from "../../machinery/status.ts";
import { isDNS1123Subdomain } from "../../machinery/validate-names.ts";
import { keyPath } from "../byte-values.ts";
import { type KubeObject, SECRET_TYPES } from "../types.ts";
import {
  base64Size,
  immutableCauses,
  immutableUpdateCauses,
  keyCauses,
  MAX_DATA_BYTES,
  mapEntries,
  REDACTED,
} from "./byte-data.ts";
import { invalidValue, requiredValue, tooLong } from "./field-errors.ts";
import { isRecord, prop } from "./guards.ts";
import { validateObjectMeta } from "./metadata.ts";

/** The annotation a service-account-token Secret must carry. */
const SERVICE_ACCOUNT_NAME = "kubernetes.io/service-account.name";

function sameData(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a ?? {}, b ?? {});
}

/** Whether a data value decodes to a JSON object (what the docker config types must hold). */
function holdsJsonObject(value: string): boolean {
  try {
    const parsed: unknown = JSON.parse(decodeBase64(value).toString("utf8"));
    return isRecord(parsed);
  } catch {
    return false;
  }
}

/** The keys each well-known type requires (Kubernetes checks nothing for other types). */
function typeCauses(obj: KubeObject, type: string, data: Record<string, unknown>): StatusCause[] {
  const has = (key: string): boolean => Object.hasOwn(data, key);
  const required = (key: string): StatusCause => requiredValue(keyPath("data", key));
  switch (type) {
    case SECRET_TYPES.tls:
      return [...(has("tls.crt") ? [] : [required("tls.crt")]), ...(has("tls.key") ? [] : [required("tls.key")])];
    case SECRET_TYPES.serviceAccountToken: {
      const name = prop(obj.metadata.annotations, SERVICE_ACCOUNT_NAME);
      return typeof name === "string" && name !== ""
        ? []
        : [requiredValue(keyPath("metadata.annotations", SERVICE_ACCOUNT_NAME))];
    }
    case SECRET_TYPES.dockercfg:
    case SECRET_TYPES.dockerConfigJson: {
      const key = type === SECRET_TYPES.dockercfg ? ".dockercfg" : ".dockerconfigjson";
      if (!has(key)) return [required(key)];
      const value = data[key];
      return typeof value === "string" && !holdsJsonObject(value)
        ? invalidValue(keyPath("data", key), REDACTED, "must be a JSON object")
        : [];
    }
    case SECRET_TYPES.basicAuth:
      return has("username") || has("password") ? [] : [required("username"), required("password")];
    case SECRET_TYPES.sshAuth:
      return typeof data["ssh-privatekey"] === "string" && data["ssh-privatekey"] !== ""
        ? []
        : [required("ssh-privatekey")];
    default:
      return [];
  }
}

function updateCauses(obj: KubeObject, old: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  if (obj["type"] !== old["type"]) causes.push(...invalidValue("type", obj["type"], "field is immutable"));
  causes.push(...immutableUpdateCauses(obj, old, ["data"], sameData));
  return causes;
}

/** Validates a Secret; on update (`old` set) `type` is fixed, and so is `data` once `immutable` is true. */
export function validateSecret(obj: KubeObject, old?: KubeObject): StatusCause[] {
  const causes = validateObjectMeta(obj, { nameRule: isDNS1123Subdomain, namespaced: true });
  if (old !== undefined) causes.push(...updateCauses(obj, old));
  const data: Record<string, unknown> = {};
  let total = 0;
  for (const [key, value] of mapEntries(obj["data"], "data", causes)) {
    causes.push(...keyCauses("data", key));
    total += base64Size(value, keyPath("data", key), causes) ?? 0;
    data[key] = value;
  }
  if (total > MAX_DATA_BYTES) causes.push(tooLong("data", MAX_DATA_BYTES));
  const type = obj["type"];
  if (typeof type !== "string") causes.push(...invalidValue("type", type, "must be a string"));
  else causes.push(...typeCauses(obj, type, data));
  causes.push(...immutableCauses(obj["immutable"]));
  if (obj["stringData"] !== undefined) causes.push(...invalidValue("stringData", REDACTED, "must be merged into data"));
  return causes;
}
