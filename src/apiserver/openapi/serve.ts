/**
 * Serving the OpenAPI documents as kube-apiserver's kube-openapi handlers do: the form chosen by
 * the Accept header (JSON, or protobuf for v2; 406 for anything else), a strong ETag (the
 * upper-case hex SHA-512 of the bytes, quoted) that `If-None-Match` turns into a 304, and for
 * `/openapi/v3/<group version>?hash=…` an immutable response when the hash is current and a 301
 * to the current one when it is not. The documents never change while the process runs, so each
 * form is built once, on first request.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "../../machinery/status.ts";
import { methodNotAllowed, pathNotFound } from "../respond.ts";
import { openApiV2Document } from "./v2.ts";
import { encodeOpenApiV2 } from "./v2-protobuf.ts";
import { groupVersionPaths, openApiV3Document } from "./v3.ts";

/** One served form of a document. */
interface Body {
  bytes: Buffer;
  contentType: string;
  etag: string;
}

/** The protobuf media type clients ask /openapi/v2 for. */
export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/**
 * The spelling the response carries (and clients may also ask for): '@' is a MIME special
 * character, and Go's mime.ParseMediaType, which client-go runs on the response, rejects it.
 */
export const OPENAPI_V2_PROTOBUF_RESPONSE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

const started = new Date();
const cache = new Map<string, Body>();

function body(key: string, contentType: string, make: () => Uint8Array | string): Body {
  let b = cache.get(key);
  if (!b) {
    const made = make();
    const bytes = typeof made === "string" ? Buffer.from(made) : Buffer.from(made.buffer, made.byteOffset, made.length);
    b = { bytes, contentType, etag: createHash("sha512").update(bytes).digest("hex").toUpperCase() };
    cache.set(key, b);
  }
  return b;
}

function v2Json(): Body {
  return body("v2", "application/json", () => JSON.stringify(openApiV2Document()));
}

function v2Protobuf(): Body {
  return body("v2.pb", OPENAPI_V2_PROTOBUF_RESPONSE, () => encodeOpenApiV2(openApiV2Document()));
}

function v3Json(groupVersion: string): Body | undefined {
  if (!groupVersionPaths().includes(groupVersion)) return undefined;
  return body(`v3/${groupVersion}`, "application/json", () => JSON.stringify(openApiV3Document(groupVersion)));
}

function v3Root(): Body {
  return body("v3", "application/json", () => {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const gv of groupVersionPaths())
      paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${v3Json(gv)?.etag ?? ""}` };
    return JSON.stringify({ paths });
  });
}

/** The media ranges of an Accept header, highest quality first (none given = anything). */
function accepted(header: string | undefined): string[] {
  if (header === undefined || header.trim() === "") return ["*/*"];
  return header
    .split(",")
    .map((clause, i) => {
      const [range = "", ...params] = clause.split(";").map((s) => s.trim());
      const qParam = params.find((p) => p.startsWith("q="));
      return { range: range.toLowerCase(), q: qParam ? Number(qParam.slice(2)) : 1, i };
    })
    .filter((c) => c.q > 0 && c.range !== "")
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((c) => c.range);
}

function matches(range: string, type: string): boolean {
  const [rt, rs] = range.split("/");
  const [t, s] = type.split("/");
  return (rt === "*" || rt === t) && (rs === "*" || rs === s);
}

/** The first offered form the client accepts, or a 406. */
function negotiate(header: string | undefined, offers: [string, () => Body][]): Body {
  for (const range of accepted(header)) {
    for (const [type, make] of offers) if (matches(range, type)) return make();
  }
  throw new ApiError(
    406,
    "NotAcceptable",
    `only the following media types are accepted: ${offers.map(([t]) => t).join(", ")}; not ${header ?? ""}`,
  );
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .some((t) => t === "*" || t === `"${etag}"`);
}

function send(req: IncomingMessage, res: ServerResponse, b: Body, headers: Record<string, string> = {}): void {
  const common = { etag: `"${b.etag}"`, "last-modified": started.toUTCString(), vary: "Accept", ...headers };
  if (etagMatches(req.headers["if-none-match"], b.etag)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  res.writeHead(200, { ...common, "content-type": b.contentType, "content-length": b.bytes.length });
  res.end(req.method === "HEAD" ? undefined : b.bytes);
}

/** Whether `pathname` is an OpenAPI path (`/openapi/v2`, `/openapi/v3[/…]`). */
export function isOpenApiPath(pathname: string): boolean {
  return /^\/openapi\/v[23](?:\/|$)/.test(pathname);
}

/** Serves `/openapi/v2`, `/openapi/v3` and `/openapi/v3/{api/v1 | apis/{group}/{version}}`. */
export function serveOpenApi(req: IncomingMessage, res: ServerResponse, url: URL): void {
  if (req.method !== "GET" && req.method !== "HEAD") throw methodNotAllowed();
  const path = url.pathname.replace(/\/+$/, "");
  const accept = req.headers.accept;
  if (path === "/openapi/v2") {
    return send(
      req,
      res,
      negotiate(accept, [
        ["application/json", v2Json],
        [OPENAPI_V2_PROTOBUF, v2Protobuf],
        [OPENAPI_V2_PROTOBUF_RESPONSE, v2Protobuf],
      ]),
    );
  }
  if (path === "/openapi/v3") return send(req, res, negotiate(accept, [["application/json", v3Root]]));
  const groupVersion = path.slice("/openapi/v3/".length);
  const doc = path.startsWith("/openapi/v3/") ? v3Json(groupVersion) : undefined;
  if (!doc) throw pathNotFound();
  const b = negotiate(accept, [["application/json", () => doc]]);
  const hash = url.searchParams.get("hash");
  if (hash === null || hash === "") return send(req, res, b, { "cache-control": "no-cache, private" });
  if (hash !== b.etag) {
    res.writeHead(301, {
      location: `/openapi/v3/${groupVersion}?hash=${b.etag}`,
      "cache-control": "no-cache, private",
    });
    res.end();
    return;
  }
  const expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
  send(req, res, b, { "cache-control": "public, immutable", expires });
}
