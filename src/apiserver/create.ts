/** The create verb (POST to a collection). */
import { randomInt, randomUUID } from "node:crypto";
import { apiVersionOf, type ResourceInfo } from "../api/resources.ts";
import { listTypes } from "../api/schemas/merge-keys.ts";
import type { KubeObject } from "../api/types.ts";
import { alreadyExists, invalid } from "../machinery/status.ts";
import { admit } from "./admit.ts";
import { assignClusterIp } from "./cluster-ip/service-ips.ts";
import { decodeObject, encodeObject } from "./codec.ts";
import type { ApiContext } from "./context.ts";
import { objectKey } from "./keys.ts";
import { managersOnCreate } from "./managed-update.ts";
import { requireActiveNamespace } from "./namespaces.ts";
import { asKubeObject, checkNamespace } from "./type-meta.ts";

// The alphabet and length of apiserver's names.SimpleNameGenerator (no vowels, no look-alikes).
const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

function generatedName(prefix: string): string {
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return prefix.slice(0, 63 - 5) + suffix;
}

/** CreateOptions of a create. */
export interface CreateOptions {
  /**
   * Who creates (the `fieldManager` parameter, else the client's name): recorded in
   * `metadata.managedFields` as the owner of every field set, unless the body brings its own.
   */
  fieldManager?: string;
  /** `dryRun=All`: check and answer with the object as it would be stored, store nothing. */
  dryRun?: boolean;
}

/** Creates an object from a request body; resolves to the stored object. */
export async function createObject(
  ctx: ApiContext,
  info: ResourceInfo,
  namespace: string | undefined,
  raw: unknown,
  options: CreateOptions = {},
): Promise<KubeObject> {
  const obj = asKubeObject(info, raw);
  checkNamespace(info, obj, namespace);
  const meta = obj.metadata;
  const generate = !meta.name && typeof meta.generateName === "string" && meta.generateName !== "";
  if (generate) meta.name = generatedName(meta.generateName as string);
  if (!meta.name) {
    throw invalid({ kind: info.kind, name: "" }, [
      {
        field: "metadata.name",
        message: "Required value: name or generateName is required",
        reason: "FieldValueRequired",
      },
    ]);
  }
  delete meta.resourceVersion;
  meta.uid = randomUUID();
  meta.creationTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  meta.generation = 1;
  delete meta.deletionTimestamp;
  delete meta["deletionGracePeriodSeconds"];
  admit(info, obj);
  if (options.fieldManager !== undefined && meta["managedFields"] === undefined) {
    const managers = managersOnCreate(obj, options.fieldManager, listTypes(info.schema), apiVersionOf(info));
    if (managers.length > 0) meta["managedFields"] = managers;
  }
  if (info.namespaced)
    await requireActiveNamespace(ctx.storage, meta.namespace ?? "", {
      kind: info.resource,
      name: meta.name,
      ...(info.group ? { group: info.group } : {}),
    });
  if (options.dryRun) {
    // A dry run allocates no cluster IP: the answer shows the Service as the client wrote it.
    if (await ctx.storage.get(objectKey(info, meta.namespace, meta.name)))
      throw alreadyExists({ kind: info.resource, name: meta.name, ...(info.group ? { group: info.group } : {}) });
    return obj;
  }
  const ip = info.group === "" && info.resource === "services" ? await assignClusterIp(obj, ctx.ips) : undefined;
  try {
    // Fields that default from the cluster IP (ipFamilies, …) are filled once it is known.
    if (ip !== undefined) info.applyDefaults(obj);
    const result = await ctx.storage.create(objectKey(info, meta.namespace, meta.name), encodeObject(obj));
    if (result.type === "exists") {
      throw alreadyExists({ kind: info.resource, name: meta.name, ...(info.group ? { group: info.group } : {}) });
    }
    return decodeObject(result.kv);
  } catch (err) {
    if (ip !== undefined) await ctx.ips.release(ip).catch(() => undefined);
    throw err;
  }
}
