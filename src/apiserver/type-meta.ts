/** Checks on the kind, apiVersion, name and namespace of a request body against its URL. */
import { apiVersionOf, type ResourceInfo } from "../api/resources.ts";
import type { KubeObject } from "../api/types.ts";
import { toStorageVersion } from "../api/version-conversion.ts";
import { badRequest } from "../machinery/status.ts";

/**
 * The body as an object of `info`'s kind, after the resource's input conversion, converted to the
 * storage version. Missing kind and apiVersion default to the URL's (as kube-apiserver decodes
 * with the endpoint's kind); different ones are a 400.
 */
export function asKubeObject(info: ResourceInfo, raw: unknown): KubeObject {
  const converted = info.convertInput ? info.convertInput(raw) : raw;
  if (converted === null || typeof converted !== "object" || Array.isArray(converted)) {
    throw badRequest(`the body must be a JSON or YAML object of kind ${info.kind}`);
  }
  const obj = converted as Partial<KubeObject>;
  const apiVersion = apiVersionOf(info);
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw badRequest(
      `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`,
    );
  }
  if (obj.kind !== undefined && obj.kind !== info.kind) {
    throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${info.kind})`);
  }
  const metadata = obj.metadata;
  if (metadata !== undefined && (metadata === null || typeof metadata !== "object" || Array.isArray(metadata))) {
    throw badRequest("metadata must be an object");
  }
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = obj;
  return toStorageVersion(info, {
    apiVersion,
    kind: info.kind,
    metadata: { ...(metadata ?? {}) },
    ...rest,
  } as KubeObject);
}

/** The object's namespace must be the URL's or empty (then it becomes the URL's). */
export function checkNamespace(info: ResourceInfo, obj: KubeObject, namespace: string | undefined): void {
  if (!info.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  const given = obj.metadata.namespace;
  if (given !== undefined && given !== "" && given !== namespace) {
    throw badRequest(`the namespace of the provided object does not match the namespace sent on the request`);
  }
  if (namespace !== undefined) obj.metadata.namespace = namespace;
}

/** On update, the body's name must be the URL's. */
export function checkName(obj: KubeObject, name: string): void {
  const given = obj.metadata.name;
  if (given !== undefined && given !== "" && given !== name) {
    throw badRequest(`the name of the object (${given}) does not match the name on the URL (${name})`);
  }
  obj.metadata.name = name;
}
