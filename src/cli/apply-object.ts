/**
 * Create-or-update of one object, the way `kubectl apply` reports it: `created`, `configured`
 * or `unchanged`. The manifest is merged onto the stored object (RFC 7386), so fields the server
 * filled in (cluster IPs, defaults) survive; the stored status is kept unless the manifest brings
 * one for a resource with a `/status` subresource (how kdns fixtures report pod IPs and readiness,
 * since kdns runs no kubelet).
 */
import { isDeepStrictEqual } from "node:util";
import type { ResourceInfo } from "../api/resources.ts";
import type { KubeObject } from "../api/types.ts";
import { ClientError, type RestClient } from "../client/rest-client.ts";
import { mergePatch } from "../machinery/merge-patch.ts";
import type { ResolvedObject } from "./resolve.ts";

/** What apply did to one object. */
export type ApplyOutcome = "created" | "configured" | "unchanged";

/** Applies one resolved object; one retry on a 409 Conflict (someone wrote in between). */
export async function applyObject(client: RestClient, target: ResolvedObject): Promise<ApplyOutcome> {
  try {
    return await applyOnce(client, target);
  } catch (err) {
    if (err instanceof ClientError && err.code === 409 && err.status.reason === "Conflict")
      return await applyOnce(client, target);
    throw err;
  }
}

async function applyOnce(client: RestClient, { info, namespace, name, object }: ResolvedObject): Promise<ApplyOutcome> {
  const { status: wantedStatus, ...withoutStatus } = object;
  const writesStatus = info.statusSubresource && wantedStatus !== undefined && wantedStatus !== null;
  const current = await getOrUndefined(client, info, namespace, name);
  if (!current) {
    const created = await client.create<KubeObject>(info, namespace, writesStatus ? withoutStatus : object);
    if (writesStatus) await writeStatus(client, info, created, mergePatch(created.status ?? {}, wantedStatus));
    return "created";
  }
  const { resourceVersion: _ignored, ...wantedMeta } = withoutStatus.metadata;
  const desired = mergePatch(current, { ...withoutStatus, metadata: wantedMeta }) as KubeObject;
  let outcome: ApplyOutcome = "unchanged";
  let stored = current;
  if (!contains(current, { ...withoutStatus, metadata: wantedMeta })) {
    stored = await client.update<KubeObject>(info, desired);
    outcome = "configured";
  }
  if (writesStatus) {
    if (!contains(stored.status, wantedStatus)) {
      await writeStatus(client, info, stored, mergePatch(stored.status ?? {}, wantedStatus));
      outcome = "configured";
    }
  }
  return outcome;
}

/**
 * Whether everything the manifest says already holds in the stored object. Lists must match
 * element by element, but elements may carry more (server defaults such as a port's protocol),
 * so a re-apply of an unchanged manifest reports `unchanged` instead of rewriting.
 */
export function contains(actual: unknown, wanted: unknown): boolean {
  if (wanted === null) return actual === undefined || actual === null;
  if (Array.isArray(wanted)) {
    return Array.isArray(actual) && actual.length === wanted.length && wanted.every((w, i) => contains(actual[i], w));
  }
  if (typeof wanted === "object" && wanted !== undefined) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) return false;
    const a = actual as Record<string, unknown>;
    return Object.entries(wanted as Record<string, unknown>).every(([k, w]) => w === undefined || contains(a[k], w));
  }
  return isDeepStrictEqual(actual, wanted);
}

async function writeStatus(client: RestClient, info: ResourceInfo, stored: KubeObject, status: unknown): Promise<void> {
  await client.update(info, { ...stored, status }, "status");
}

async function getOrUndefined(
  client: RestClient,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
): Promise<KubeObject | undefined> {
  try {
    return await client.get(info, namespace, name);
  } catch (err) {
    if (err instanceof ClientError && err.code === 404) return undefined;
    throw err;
  }
}
