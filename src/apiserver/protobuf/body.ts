/**
 * Request bodies in `application/vnd.kubernetes.protobuf`, which kubectl's typed generators
 * (`kubectl create secret …`, `kubectl create configmap …`) send, with no option to send JSON. Kubernetes wraps the message in an envelope: the bytes `k8s\0`, then a runtime.Unknown
 * holding the apiVersion and kind, the raw message and its encoding. Only the kinds in
 * {@link PROTOBUF_KINDS} are read; responses are always JSON, which kubectl also accepts.
 */
import { decodeMessage, type MessageSchema, ProtobufError, readFields } from "../../machinery/protobuf.ts";
import { ApiError, badRequest } from "../../machinery/status.ts";
import { PROTOBUF_KINDS } from "./messages.ts";

/** The media type of Kubernetes protobuf. */
export const PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

/** runtime.TypeMeta. */
const TYPE_META: MessageSchema = { 1: { name: "apiVersion", type: "string" }, 2: { name: "kind", type: "string" } };

/** runtime.Unknown, the envelope: type meta, the raw message, and how it is encoded ("" for plain protobuf). */
interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  encoding: string;
}

function readEnvelope(buf: Uint8Array): Envelope {
  const out: Envelope = { apiVersion: "", kind: "", raw: new Uint8Array(), encoding: "" };
  for (const f of readFields(buf)) {
    if (f.wireType !== "bytes") continue;
    if (f.field === 1) {
      const meta = decodeMessage(f.bytes, TYPE_META);
      out.apiVersion = String(meta["apiVersion"] ?? "");
      out.kind = String(meta["kind"] ?? "");
    } else if (f.field === 2) out.raw = f.bytes;
    else if ((f.field === 3 || f.field === 4) && f.bytes.length > 0) out.encoding = Buffer.from(f.bytes).toString();
  }
  return out;
}

function unsupported(what: string): ApiError {
  return new ApiError(
    415,
    "UnsupportedMediaType",
    `${what}: protobuf bodies are read for ${Object.keys(PROTOBUF_KINDS)
      .map((k) => k.split("/")[1])
      .join(" and ")} only; send application/json or application/yaml`,
  );
}

/** The object a protobuf body holds, in its JSON shape (apiVersion and kind included). */
export function parseProtobufBody(body: Buffer): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC))
    throw badRequest("the protobuf body does not start with the Kubernetes envelope (k8s\\0)");
  try {
    const { apiVersion, kind, raw, encoding } = readEnvelope(body.subarray(MAGIC.length));
    if (encoding !== "") throw unsupported(`the inner encoding ${JSON.stringify(encoding.slice(0, 64))}`);
    const schema = PROTOBUF_KINDS[`${apiVersion}/${kind}`];
    if (schema === undefined)
      throw unsupported(`${kind.slice(0, 64) || "an object"} in version "${apiVersion.slice(0, 64)}"`);
    return { apiVersion, kind, ...decodeMessage(raw, schema) };
  } catch (err) {
    if (err instanceof ProtobufError) throw badRequest(`the protobuf body cannot be read: ${err.message}`);
    throw err;
  }
}
