/**
 * `/openapi/v2` as protocol buffers (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`),
 * the only form kubectl before 1.27 asks for: the JSON document (v2.ts) turned into gnostic's
 * openapi.v2.Document message (openapiv2.proto) the way gnostic's compiler turns it, and encoded
 * with protobufjs. Extension values (`x-…`), defaults and enum values travel as YAML text, which
 * JSON is.
 */
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

type Json = Record<string, unknown>;
type Message = Record<string, unknown>;

let root: protobuf.Root | undefined;

/** The openapi.v2 messages, loaded once from openapiv2.proto with its field names as written. */
export function openApiV2Types(): protobuf.Root {
  root ??= new protobuf.Root().loadSync(fileURLToPath(new URL("./openapiv2.proto", import.meta.url)), {
    keepCase: true,
  });
  return root;
}

function any(value: unknown): Message {
  return { yaml: JSON.stringify(value) };
}

function extensions(json: Json): Message[] {
  return Object.entries(json)
    .filter(([k]) => k.startsWith("x-"))
    .map(([name, value]) => ({ name, value: any(value) }));
}

function isJson(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function schema(j: Json): Message {
  const out: Message = {};
  if (typeof j["$ref"] === "string") out["_ref"] = j["$ref"];
  for (const k of ["format", "title", "description", "discriminator"] as const)
    if (typeof j[k] === "string") out[k] = j[k];
  if (j["default"] !== undefined) out["default"] = any(j["default"]);
  if (j["uniqueItems"] === true) out["unique_items"] = true;
  if (j["readOnly"] === true) out["read_only"] = true;
  if (Array.isArray(j["required"])) out["required"] = j["required"];
  if (Array.isArray(j["enum"])) out["enum"] = j["enum"].map(any);
  const extra = j["additionalProperties"];
  if (typeof extra === "boolean") out["additional_properties"] = { boolean: extra };
  else if (isJson(extra)) out["additional_properties"] = { schema: schema(extra) };
  if (typeof j["type"] === "string") out["type"] = { value: [j["type"]] };
  const items = j["items"];
  if (isJson(items)) out["items"] = { schema: [schema(items)] };
  if (Array.isArray(j["allOf"])) out["all_of"] = (j["allOf"] as Json[]).map(schema);
  if (isJson(j["properties"]))
    out["properties"] = {
      additional_properties: Object.entries(j["properties"]).map(([name, s]) => ({ name, value: schema(s as Json) })),
    };
  const ext = extensions(j);
  if (ext.length > 0) out["vendor_extension"] = ext;
  return out;
}

function parameter(p: Json): Message {
  if (p["in"] === "body") {
    return {
      parameter: {
        body_parameter: {
          name: p["name"],
          in: "body",
          ...(typeof p["description"] === "string" ? { description: p["description"] } : {}),
          required: p["required"] === true,
          schema: schema(p["schema"] as Json),
        },
      },
    };
  }
  const sub: Message = {
    required: p["required"] === true,
    in: p["in"],
    description: p["description"],
    name: p["name"],
    type: p["type"],
    unique_items: p["uniqueItems"] === true,
  };
  const key = p["in"] === "path" ? "path_parameter_sub_schema" : "query_parameter_sub_schema";
  return { parameter: { non_body_parameter: { [key]: sub } } };
}

function operation(op: Json): Message {
  const responses = Object.entries(op["responses"] as Json).map(([name, r]) => {
    const response = r as Json;
    return {
      name,
      value: {
        response: {
          description: response["description"],
          ...(isJson(response["schema"]) ? { schema: { schema: schema(response["schema"]) } } : {}),
        },
      },
    };
  });
  return {
    tags: op["tags"] ?? [],
    description: op["description"],
    operation_id: op["operationId"],
    produces: op["produces"] ?? [],
    consumes: op["consumes"] ?? [],
    parameters: ((op["parameters"] as Json[] | undefined) ?? []).map(parameter),
    responses: { response_code: responses },
    schemes: op["schemes"] ?? [],
    vendor_extension: extensions(op),
  };
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];

function pathItem(item: Json): Message {
  const out: Message = {};
  for (const m of METHODS) if (isJson(item[m])) out[m] = operation(item[m]);
  out["parameters"] = ((item["parameters"] as Json[] | undefined) ?? []).map(parameter);
  out["vendor_extension"] = extensions(item);
  return out;
}

/** The openapi.v2.Document message (as a plain object) of a Swagger 2.0 JSON document. */
export function toDocumentMessage(doc: Json): Message {
  const info = doc["info"] as Json;
  const security = ((doc["security"] as Json[] | undefined) ?? []).map((req) => ({
    additional_properties: Object.entries(req).map(([name, scopes]) => ({ name, value: { value: scopes } })),
  }));
  const securityDefinitions = Object.entries((doc["securityDefinitions"] as Json | undefined) ?? {}).map(
    ([name, d]) => ({ name, value: { api_key_security: { ...(d as Json) } } }),
  );
  return {
    swagger: doc["swagger"],
    info: { title: info["title"], version: info["version"] },
    paths: {
      path: Object.entries(doc["paths"] as Json).map(([name, item]) => ({ name, value: pathItem(item as Json) })),
    },
    definitions: {
      additional_properties: Object.entries(doc["definitions"] as Json).map(([name, s]) => ({
        name,
        value: schema(s as Json),
      })),
    },
    security,
    security_definitions: { additional_properties: securityDefinitions },
    vendor_extension: extensions(doc),
  };
}

/** The protocol buffer bytes of a Swagger 2.0 JSON document. */
export function encodeOpenApiV2(doc: Json): Uint8Array {
  const Document = openApiV2Types().lookupType("openapi.v2.Document");
  const message = toDocumentMessage(doc);
  const problem = Document.verify(message);
  if (problem) throw new Error(`the OpenAPI v2 document does not fit openapi.v2.Document: ${problem}`);
  return Document.encode(Document.fromObject(message)).finish();
}
