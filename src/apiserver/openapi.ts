/**
 * A minimal OpenAPI v3 (`/openapi/v3` and `/openapi/v3/{api/v1|apis/{group}/{version}}`).
 * kubectl reads it before `apply`/`create`/`edit` to learn whether the server validates fields
 * itself (a `fieldValidation` query parameter on each kind's PATCH); without it, kubectl falls
 * back to downloading the protobuf `/openapi/v2` and validating client-side, and fails on a 404.
 * No schemas are published: kubectl then computes patches from its compiled-in types (strategic
 * merge for built-in kinds, JSON merge patch for DNSRecord), and `kubectl explain` is not served.
 */
import { createHash } from "node:crypto";
import { apiVersionOf, RESOURCES, type ResourceInfo } from "../api/resources.ts";
import { KUBE_VERSION } from "./health.ts";

function gvPath(group: string, version: string): string {
  return group === "" ? `api/${version}` : `apis/${group}/${version}`;
}

function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(apiVersionOf(r), { group: r.group, version: r.version });
  return [...seen.values()];
}

const QUERY_PARAMS = ["dryRun", "fieldManager", "fieldValidation", "force", "pretty"].map((name) => ({
  name,
  in: "query",
  schema: { type: name === "force" ? "boolean" : "string" },
  uniqueItems: true,
}));

function itemPath(info: ResourceInfo): string {
  const base = `/${gvPath(info.group, info.version)}`;
  return info.namespaced ? `${base}/namespaces/{namespace}/${info.resource}/{name}` : `${base}/${info.resource}/{name}`;
}

/** The OpenAPI document of one group version, or undefined when not served. */
export function openApiV3Document(group: string, version: string): Record<string, unknown> | undefined {
  const infos = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (infos.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const info of infos) {
    const gvk = { group: info.group, version: info.version, kind: info.kind };
    paths[itemPath(info)] = {
      patch: {
        operationId: `patch${info.kind}`,
        parameters: QUERY_PARAMS,
        responses: { "200": { description: "OK" }, "201": { description: "Created" } },
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": gvk,
      },
    };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: KUBE_VERSION.gitVersion },
    paths,
    components: { schemas: {} },
  };
}

/** `GET /openapi/v3`: where each group version's document is (with a content hash, as kube-apiserver). */
export function openApiV3Root(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const { group, version } of groupVersions()) {
    const hash = createHash("sha512")
      .update(JSON.stringify(openApiV3Document(group, version)))
      .digest("hex")
      .slice(0, 32)
      .toUpperCase();
    paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
  }
  return { paths };
}

/** The document for a path under `/openapi/v3` (`""` = the root), or undefined. */
export function openApiV3(rest: string): Record<string, unknown> | undefined {
  if (rest === "") return openApiV3Root();
  const core = /^api\/([^/]+)$/.exec(rest);
  if (core) return openApiV3Document("", core[1] ?? "");
  const named = /^apis\/([^/]+)\/([^/]+)$/.exec(rest);
  return named ? openApiV3Document(named[1] ?? "", named[2] ?? "") : undefined;
}
