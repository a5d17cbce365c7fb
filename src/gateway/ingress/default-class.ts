/**
 * Creates kdns's IngressClass once per cluster: when it was created, a marker ConfigMap
 * (`kube-system/kdns-ingressclass`) records it, so a class the user deleted stays deleted across
 * gateway restarts, as kube-apiserver's bootstrap objects are not re-created by their controllers
 * once a user has removed them. Several gateways may race: AlreadyExists is success.
 */
import { resourceByPath } from "../../api/resources.ts";
import type { ConfigMap } from "../../api/types.ts";
import { ClientError, type RestClient } from "../../client/rest-client.ts";
import { DEFAULT_INGRESS_CLASS } from "./class.ts";

const MARKER = { namespace: "kube-system", name: "kdns-ingressclass" };

/** Ensures the default class exists unless it was created before; throws on API errors (the caller retries). */
export async function ensureDefaultIngressClass(client: RestClient): Promise<void> {
  const configMaps = resourceByPath("", "configmaps")!;
  const classes = resourceByPath("networking.k8s.io", "ingressclasses")!;
  try {
    await client.get(configMaps, MARKER.namespace, MARKER.name);
    return;
  } catch (err) {
    if (!(err instanceof ClientError && err.code === 404)) throw err;
  }
  try {
    await client.create(classes, undefined, DEFAULT_INGRESS_CLASS);
  } catch (err) {
    if (!(err instanceof ClientError && err.code === 409)) throw err;
  }
  const marker: ConfigMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: MARKER.name, namespace: MARKER.namespace },
    data: { created: "IngressClass kdns was created; deleting it keeps it deleted" },
  };
  try {
    await client.create(configMaps, MARKER.namespace, marker);
  } catch (err) {
    if (!(err instanceof ClientError && err.code === 409)) throw err;
  }
}
