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
    if (err instanceof ClientError && err.code === 409 && err.status.reason === "Conflict") return await applyOnce(client, target);
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
  if (!isDeepStrictEqual(desired, current)) {
    stored = await client.update<KubeObject>(info, desired);
    outcome = "configured";
  }
  if (writesStatus) {
    const merged = mergePatch(stored.status ?? {}, wantedStatus);
    if (!isDeepStrictEqual(merged, stored.status)) {
      await writeStatus(client, info, stored, merged);
      outcome = "configured";
    }
  }
  return outcome;
}

async function writeStatus(client: RestClient, info: ResourceInfo, stored: KubeObject, status: unknown): Promise<void> {
  await client.update(info, { ...stored, status }, "status");
}

async function getOrUndefined(client: RestClient, info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
  try {
    return await client.get(info, namespace, name);
  } catch (err) {
    if (err instanceof ClientError && err.code === 404) return undefined;
    throw err;
  }
}
