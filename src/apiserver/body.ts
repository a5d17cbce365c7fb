/**
 * Reading request bodies: at most {@link MAX_BODY_BYTES} (kube-apiserver's 3 MiB limit), counted
 * while streaming so an oversized body is never held in memory, then parsed as JSON or YAML.
 * A body may hold Secret values, so parse errors name a position and never quote the text, and
 * the YAML parser's warnings (which print the offending source) are not emitted.
 */
import type { IncomingMessage } from "node:http";
import { parse as parseYaml } from "yaml";
import { ApiError, badRequest } from "../machinery/status.ts";
import { PROTOBUF_MEDIA_TYPE, parseProtobufBody } from "./protobuf/body.ts";

/** Largest accepted request body. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** 413, as kube-apiserver words it. */
export function tooLarge(): ApiError {
  return new ApiError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${MAX_BODY_BYTES}`);
}

/** The raw body; throws 413 as soon as it passes the limit and stops reading. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The media type of a request, lower-case and without parameters ("" when absent). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/**
 * Parses an object body sent as `application/json` (also the default), `application/yaml`, or
 * Kubernetes protobuf for the kinds kubectl sends only that way (see protobuf/body.ts).
 */
export function parseObjectBody(body: Buffer, type: string): unknown {
  if (type === PROTOBUF_MEDIA_TYPE) return parseProtobufBody(body);
  const text = body.toString("utf8");
  if (type === "application/yaml" || type === "application/x-yaml" || type === "text/yaml") {
    try {
      return parseYaml(text, { logLevel: "error" });
    } catch (err) {
      throw badRequest(`the body is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  if (type !== "" && type !== "application/json" && !type.endsWith("+json")) {
    throw new ApiError(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${PROTOBUF_MEDIA_TYPE}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`the body is not valid JSON: ${jsonErrorDetail(err)}`);
  }
}

/**
 * V8's JSON.parse message without the excerpt of the input it quotes for an unexpected token
 * (`Unexpected token 'h', ..."a":hunter2}" is not valid JSON`); its other messages give positions only.
 */
export function jsonErrorDetail(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.startsWith("Unexpected token") || message.includes('"') ? "Unexpected token in JSON input" : message;
}
