/** The non-table outputs of `get`: `-o json`, `-o yaml`, `-o name`. */
import { stringify } from "yaml";
import type { ResourceInfo } from "../../api/resources.ts";
import type { KubeObject } from "../../api/types.ts";

/** `service/web`, `endpointslice.discovery.k8s.io/web-abc` — kubectl's `-o name` form. */
export function qualifiedName(info: Pick<ResourceInfo, "singular" | "group">, name: string): string {
  return `${kindRef(info)}/${name}`;
}

/** `service`, `dnsrecord.kdns.dev`: the resource as kubectl names it in messages. */
export function kindRef(info: Pick<ResourceInfo, "singular" | "group">): string {
  return info.group ? `${info.singular}.${info.group}` : info.singular;
}

/** A `v1 List` of the objects, as kubectl prints several objects. */
export function asList(objects: KubeObject[]): {
  apiVersion: "v1";
  kind: "List";
  metadata: { resourceVersion: "" };
  items: KubeObject[];
} {
  return { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items: objects };
}

/** JSON of one object or a List, indented as kubectl does (4 spaces). */
export function printJson(value: unknown): string {
  return `${JSON.stringify(value, null, 4)}\n`;
}

/** YAML of one object or a List. */
export function printYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
