/**
 * A typed client for the kdns (Kubernetes-style) REST API: CRUD, patch and watch for every
 * resource in the resource table. Used by the CLI and by every component that lists and watches.
 */
import { apiVersionOf, type ResourceInfo } from "../api/resources.ts";
import type { KubeList, KubeObject, WatchEvent } from "../api/types.ts";
import type { Status } from "../machinery/status.ts";
import { nodeTransport, type Transport, type TransportRequest, type TransportResponse } from "./transport.ts";

/** Where the API server is and how to authenticate. */
export interface ClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:6443`. */
  server: string;
  /** Bearer token, when the server requires one. */
  token?: string;
  /** PEM CA certificate(s) that https servers are verified against (default: the system's). */
  ca?: string;
  /** Do not verify the https server's certificate at all (kubectl's flag of the same name). */
  insecureSkipTlsVerify?: boolean;
  /**
   * The User-Agent (default `kdns`). The API server names a write's field manager after it, up to
   * its first "/", as kube-apiserver does, so managedFields say which writes were kdns's.
   */
  userAgent?: string;
}

/** A failed request: the server's `Status`, or one made up for a transport failure. */
export class ClientError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message);
    this.name = "ClientError";
    this.status = status;
  }
  /** HTTP status code (0 when the server could not be reached). */
  get code(): number {
    return this.status.code;
  }
}

/** Query options of list and watch. */
export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

/** The metav1.DeleteOptions a client may send. */
export interface ClientDeleteOptions {
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** The patch content types the API accepts. */
export type PatchType =
  | "application/merge-patch+json"
  | "application/json-patch+json"
  | "application/strategic-merge-patch+json";

function failure(code: number, message: string): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code };
}

/** The client. */
export class RestClient {
  readonly server: string;
  readonly #token: string | undefined;
  readonly #userAgent: string;
  readonly #transport: Transport;

  constructor(options: ClientOptions) {
    this.server = options.server.replace(/\/+$/, "");
    this.#token = options.token;
    this.#userAgent = options.userAgent ?? "kdns";
    this.#transport = nodeTransport(options);
  }

  /** The URL path of a collection, an object, or a subresource of it. */
  path(info: ResourceInfo, namespace?: string, name?: string, subresource?: string): string {
    let p = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
    if (info.namespaced && namespace !== undefined) p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${info.resource}`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    if (subresource !== undefined) p += `/${subresource}`;
    return p;
  }

  #headers(contentType?: string): Record<string, string> {
    const h: Record<string, string> = { accept: "application/json", "user-agent": this.#userAgent };
    if (contentType) h["content-type"] = contentType;
    if (this.#token) h.authorization = `Bearer ${this.#token}`;
    return h;
  }

  async #fetch(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
    signal?: AbortSignal,
  ): Promise<TransportResponse> {
    const init: TransportRequest = { method, headers: this.#headers(body === undefined ? undefined : contentType) };
    if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
    if (signal) init.signal = signal;
    let res: TransportResponse;
    try {
      res = await this.#transport(this.server + path, init);
    } catch (err) {
      if (signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ClientError(
        failure(0, `cannot reach the API server at ${this.server}: ${cause?.code ?? cause?.message ?? String(err)}`),
      );
    }
    if (!res.ok) {
      const text = await res.text();
      let status: Status;
      try {
        const parsed = JSON.parse(text) as Partial<Status>;
        status = parsed.kind === "Status" ? (parsed as Status) : failure(res.status, text);
      } catch {
        status = failure(res.status, text || res.statusText);
      }
      throw new ClientError(status);
    }
    return res;
  }

  /** A raw JSON request to any path (discovery, health). */
  async request<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.#fetch(method, path, body, contentType);
    return parseResponse(await res.text()) as T;
  }

  /** GET one object. */
  get<T extends KubeObject = KubeObject>(info: ResourceInfo, namespace: string | undefined, name: string): Promise<T> {
    return this.request<T>("GET", this.path(info, namespace, name));
  }

  /** LIST a collection (one namespace, or all when `namespace` is undefined). */
  list<T extends KubeObject = KubeObject>(
    info: ResourceInfo,
    namespace: string | undefined,
    query: ListQuery = {},
  ): Promise<KubeList<T>> {
    return this.request<KubeList<T>>("GET", this.path(info, namespace) + queryString(query));
  }

  /** POST a new object; kind and apiVersion are filled in when missing. */
  create<T extends KubeObject = KubeObject>(
    info: ResourceInfo,
    namespace: string | undefined,
    obj: unknown,
  ): Promise<T> {
    return this.request<T>("POST", this.path(info, namespace), withTypeMeta(info, obj));
  }

  /** PUT an object (optimistic concurrency through its metadata.resourceVersion). */
  update<T extends KubeObject = KubeObject>(
    info: ResourceInfo,
    obj: KubeObject,
    subresource?: "status" | "finalize",
  ): Promise<T> {
    return this.request<T>(
      "PUT",
      this.path(info, obj.metadata.namespace, obj.metadata.name ?? "", subresource),
      withTypeMeta(info, obj),
    );
  }

  /** PATCH an object. */
  patch<T extends KubeObject = KubeObject>(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    type: PatchType = "application/merge-patch+json",
    subresource?: "status",
  ): Promise<T> {
    return this.request<T>("PATCH", this.path(info, namespace, name, subresource), patch, type);
  }

  /**
   * DELETE one object; resolves to what the server returned (the deleted object, the object
   * marked as being deleted, or a Status). `options` is sent as the DeleteOptions body.
   */
  delete(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    options?: ClientDeleteOptions,
  ): Promise<KubeObject | Status> {
    const body = options && { kind: "DeleteOptions", apiVersion: "v1", ...options };
    return this.request("DELETE", this.path(info, namespace, name), body);
  }

  /**
   * WATCH a collection from `query.resourceVersion`: yields events until the signal aborts or the
   * server ends the stream. A 410 arrives as a thrown {@link ClientError} or an ERROR event.
   */
  async *watch<T extends KubeObject = KubeObject>(
    info: ResourceInfo,
    namespace: string | undefined,
    query: ListQuery,
    signal: AbortSignal,
  ): AsyncGenerator<WatchEvent<T>> {
    const path = this.path(info, namespace) + queryString({ ...query, watch: "true", allowWatchBookmarks: "true" });
    const res = await this.#fetch("GET", path, undefined, undefined, signal);
    const decoder = new TextDecoder();
    let buffered = "";
    try {
      for await (const chunk of res.body) {
        buffered += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) yield parseResponse(line) as WatchEvent<T>;
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
  }
}

/**
 * A response body as JSON. The parser's own error quotes the text, which may hold a Secret, and
 * callers such as informers log errors, so a malformed body fails without it.
 */
function parseResponse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ClientError(failure(0, "the API server sent a response that is not valid JSON"));
  }
}

function withTypeMeta(info: ResourceInfo, obj: unknown): unknown {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return obj;
  const o = obj as Record<string, unknown>;
  return { apiVersion: o.apiVersion ?? apiVersionOf(info), kind: o.kind ?? info.kind, ...o };
}

function queryString(query: ListQuery & { watch?: string; allowWatchBookmarks?: string }): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : "";
}
