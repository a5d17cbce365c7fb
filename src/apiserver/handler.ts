/** Dispatch of one HTTP request to discovery, health or a resource verb. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { KubeObject } from "../api/types.ts";
import { hasOtherVersions, toServedVersion } from "../api/version-conversion.ts";
import { serverSideApply } from "./apply.ts";
import { mediaType, parseObjectBody, readBody } from "./body.ts";
import type { ApiContext } from "./context.ts";
import { createObject } from "./create.ts";
import { deleteObject } from "./delete.ts";
import { deleteOptionsOf } from "./delete-options.ts";
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from "./discovery.ts";
import { checkListOptions } from "./list-options.ts";
import { isOpenApiPath, serveOpenApi } from "./openapi/serve.ts";
import { patchMediaType, patchObject } from "./patch.ts";
import { boolParam, dryRunParam, prettyParam } from "./query-params.ts";
import { getObject, listObjects, listObjectsJson } from "./read.ts";
import { codeOf, methodNotAllowed, pathNotFound, sendJson, sendJsonText } from "./respond.ts";
import { type Route, resolveRoute } from "./route.ts";
import { acceptedTableVersion, includeObjectOf, toTable } from "./table.ts";
import { updateObject } from "./update.ts";
import { serveWatch } from "./watch.ts";

type ResourceRoute = Extract<Route, { type: "resource" }>;

/** Sends a JSON body with a status code. */
type Send = (code: number, body: unknown) => void;

function found(doc: unknown): unknown {
  if (doc === undefined) throw pathNotFound();
  return doc;
}

/** Kubernetes' default field manager: the `fieldManager` parameter, else the User-Agent up to its first "/". */
function fieldManagerOf(req: IncomingMessage, query: URLSearchParams): string {
  return query.get("fieldManager") || (req.headers["user-agent"] ?? "unknown").split("/")[0] || "unknown";
}

/** Serves an API path (everything but health and version). */
export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const pretty = prettyParam(url.searchParams);
  const send: Send = (code, body) => sendJson(res, code, body, {}, pretty);
  if (isOpenApiPath(url.pathname)) return serveOpenApi(req, res, url);
  const route = resolveRoute(url.pathname);
  const method = req.method ?? "GET";
  if (route.type !== "resource") {
    if (route.type === "unknown") throw pathNotFound();
    if (method !== "GET") throw methodNotAllowed();
    const host = req.headers.host ?? "";
    switch (route.type) {
      case "api-versions":
        return send(200, apiVersions(host));
      case "api-groups":
        return send(200, apiGroupList());
      case "api-group":
        return send(200, found(apiGroupDocument(route.group)));
      case "resource-list":
        return send(200, found(apiResourceList(route.group, route.version)));
    }
  }
  const metrics = ctx.requests;
  if (metrics === undefined) return await handleResource(ctx, route, method, req, res, url.searchParams, send);
  const row = metrics.rowOf(method, route, url.searchParams, req.headers["content-type"]);
  const started = metrics.begin(row);
  try {
    await handleResource(ctx, route, method, req, res, url.searchParams, send);
  } catch (err) {
    // The caller answers with the error's Status; a watch already streaming keeps its 200.
    metrics.end(row, res.headersSent ? res.statusCode : codeOf(err), started);
    throw err;
  }
  metrics.end(row, res.statusCode, started);
}

async function handleResource(
  ctx: ApiContext,
  route: ResourceRoute,
  method: string,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  send: Send,
): Promise<void> {
  const { info, namespace, name, subresource } = route;
  // Objects leave at the version of the request, whatever version they are stored at.
  const served = hasOtherVersions(info) ? (obj: KubeObject) => toServedVersion(info, obj) : undefined;
  const out = served ?? ((obj: KubeObject) => obj);
  const tableVersion = method === "GET" ? acceptedTableVersion(req.headers.accept) : undefined;
  const table = tableVersion === undefined ? undefined : { version: tableVersion, include: includeObjectOf(query) };
  if (name === undefined) {
    if (method === "GET") {
      const watch = boolParam(query, "watch") === true;
      checkListOptions(query, watch);
      if (watch) {
        const encode =
          table && ((obj: KubeObject, first: boolean) => toTable(info, [out(obj)], { ...table, noHeaders: !first }));
        return await serveWatch(ctx, info, namespace, query, res, encode ?? served);
      }
      const json =
        table || prettyParam(query) || served ? undefined : await listObjectsJson(ctx, info, namespace, query);
      if (json !== undefined) return sendJsonText(res, 200, json);
      const list = await listObjects(ctx, info, namespace, query);
      const items = list.items.map(out);
      return send(200, table ? toTable(info, items, { ...table, listMeta: list.metadata }) : { ...list, items });
    }
    if (method === "POST" && (!info.namespaced || namespace !== undefined)) {
      const options = { fieldManager: fieldManagerOf(req, query), dryRun: dryRunParam(query, "CreateOptions") };
      const body = parseObjectBody(await readBody(req), mediaType(req));
      return send(201, out(await createObject(ctx, info, namespace, body, options)));
    }
    throw methodNotAllowed();
  }
  const dryRun =
    method === "PUT" || method === "PATCH"
      ? dryRunParam(query, method === "PUT" ? "UpdateOptions" : "PatchOptions")
      : false;
  const target = { info, namespace, name, subresource, fieldManager: fieldManagerOf(req, query), dryRun };
  // `/finalize` takes only an update, as kube-apiserver's FinalizeREST.
  if (subresource === "finalize" && method !== "PUT") throw methodNotAllowed();
  switch (method) {
    case "GET": {
      const obj = out(await getObject(ctx, info, namespace, name));
      return send(
        200,
        table
          ? toTable(info, [obj], { ...table, listMeta: { resourceVersion: obj.metadata.resourceVersion ?? "" } })
          : obj,
      );
    }
    case "PUT": {
      const body = parseObjectBody(await readBody(req), mediaType(req));
      return send(200, out(await updateObject(ctx, target, body)));
    }
    case "PATCH": {
      const type = patchMediaType(mediaType(req));
      if (type === "application/apply-patch+yaml") {
        const options = {
          fieldManager: query.get("fieldManager") ?? undefined,
          force: boolParam(query, "force") === true,
          dryRun,
        };
        const body = parseObjectBody(await readBody(req), "application/yaml");
        const applied = await serverSideApply(ctx, target, body, options);
        return send(applied.created ? 201 : 200, out(applied.obj));
      }
      const body = parseObjectBody(await readBody(req), "application/json");
      return send(200, out(await patchObject(ctx, target, type, body)));
    }
    case "DELETE": {
      if (subresource !== undefined) throw methodNotAllowed();
      const raw = await readBody(req);
      const options = deleteOptionsOf(raw.length > 0 ? parseObjectBody(raw, mediaType(req)) : undefined, query);
      return send(200, out(await deleteObject(ctx, info, namespace, name, options)));
    }
    default:
      throw methodNotAllowed();
  }
}
