/**
 * Reading protobuf messages off the wire (the encoding, not a code generator): fields in order,
 * and a small declarative schema that turns a message into the JSON shape of the same object.
 * Enough to read the few request bodies kubectl sends only as protobuf; nothing here writes
 * protobuf.
 */

/** A malformed message: truncated, a varint too long, or a wire type that does not exist. */
export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtobufError";
  }
}

/** One field as read: varints as bigint, everything else as its bytes. */
export type WireField =
  | { field: number; wireType: "varint"; value: bigint }
  | { field: number; wireType: "bytes"; bytes: Uint8Array };

function readVarint(buf: Uint8Array, at: number): [value: bigint, next: number] {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    if (at + i >= buf.length) throw new ProtobufError("truncated varint");
    const byte = buf[at + i]!;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return [value, at + i + 1];
  }
  throw new ProtobufError("varint longer than 10 bytes");
}

/**
 * The fields of one message in wire order. Fixed-width fields (wire types 1 and 5) are returned
 * as their bytes; the deprecated groups (3, 4) and unknown wire types are errors.
 */
export function* readFields(buf: Uint8Array): Generator<WireField> {
  let at = 0;
  while (at < buf.length) {
    const [tag, afterTag] = readVarint(buf, at);
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (field === 0) throw new ProtobufError("field number 0");
    if (wire === 0) {
      const [value, next] = readVarint(buf, afterTag);
      at = next;
      yield { field, wireType: "varint", value };
      continue;
    }
    let start = afterTag;
    let length: number;
    if (wire === 2) {
      const [len, next] = readVarint(buf, afterTag);
      if (len > BigInt(buf.length)) throw new ProtobufError("length beyond the message");
      start = next;
      length = Number(len);
    } else if (wire === 1) length = 8;
    else if (wire === 5) length = 4;
    else throw new ProtobufError(`unsupported wire type ${wire}`);
    if (start + length > buf.length) throw new ProtobufError("truncated field");
    at = start + length;
    yield { field, wireType: "bytes", bytes: buf.subarray(start, at) };
  }
}

/** How one field is read into JSON. */
export type FieldType =
  | "string"
  | "bytes" // base64 in JSON, as Go's encoding/json writes []byte
  | "bool"
  | "int" // int32/int64 that fits a JSON number
  | "strings" // repeated string
  | "stringMap" // map<string, string>
  | "bytesMap" // map<string, bytes>, values base64
  | { message: MessageSchema; repeated?: boolean }
  | { convert: (fields: Record<string, unknown>) => unknown; message: MessageSchema };

/** Field number → JSON name and type; fields not listed are skipped, as protobuf readers do. */
export type MessageSchema = Readonly<Record<number, { name: string; type: FieldType }>>;

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function expectBytes(f: WireField, name: string): Uint8Array {
  if (f.wireType !== "bytes") throw new ProtobufError(`${name}: expected a length-delimited field`);
  return f.bytes;
}

function expectVarint(f: WireField, name: string): bigint {
  if (f.wireType !== "varint") throw new ProtobufError(`${name}: expected a varint`);
  return f.value;
}

function mapEntry(bytes: Uint8Array, valueType: "string" | "bytes"): [string, string] {
  let key = "";
  let value = "";
  for (const f of readFields(bytes)) {
    if (f.field === 1) key = text(expectBytes(f, "map key"));
    else if (f.field === 2) {
      const v = expectBytes(f, "map value");
      value = valueType === "string" ? text(v) : base64(v);
    }
  }
  return [key, value];
}

/**
 * A message as the JSON object Kubernetes' JSON encoding gives the same value: empty strings and
 * zero integers left out (the Go fields are `omitempty`; gogo-protobuf writes them anyway), maps
 * and repeated fields collected, nested messages read through their schema.
 */
export function decodeMessage(buf: Uint8Array, schema: MessageSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of readFields(buf)) {
    const spec = schema[f.field];
    if (spec === undefined) continue;
    const { name, type } = spec;
    if (type === "string") {
      const s = text(expectBytes(f, name));
      if (s === "") delete out[name];
      else out[name] = s;
    } else if (type === "bytes") out[name] = base64(expectBytes(f, name));
    else if (type === "bool") out[name] = expectVarint(f, name) !== 0n;
    else if (type === "int") {
      const v = BigInt.asIntN(64, expectVarint(f, name));
      if (v === 0n) delete out[name];
      else out[name] = Number(v);
    } else if (type === "strings") ((out[name] ??= []) as string[]).push(text(expectBytes(f, name)));
    else if (type === "stringMap" || type === "bytesMap") {
      const [k, v] = mapEntry(expectBytes(f, name), type === "stringMap" ? "string" : "bytes");
      ((out[name] ??= {}) as Record<string, string>)[k] = v;
    } else {
      const inner = decodeMessage(expectBytes(f, name), type.message);
      const value = "convert" in type ? type.convert(inner) : inner;
      if ("repeated" in type && type.repeated) ((out[name] ??= []) as unknown[]).push(value);
      else if (value !== undefined) out[name] = value;
    }
  }
  return out;
}
