/** Filling an API server with many objects quickly (bounded concurrency, progress lines). */
import { resourceByPath } from "../../src/api/resources.ts";
import type { KubeObject } from "../../src/api/types.ts";
import type { RestClient } from "../../src/client/rest-client.ts";
import { progress } from "./proc.ts";

/** Creates `count` objects made by `make(i)` in `resource`, `concurrency` at a time; returns them as stored. */
export async function createMany(
  client: RestClient,
  resource: string,
  count: number,
  make: (i: number) => KubeObject,
  concurrency = 32,
): Promise<KubeObject[]> {
  const info = resourceByPath("", resource);
  if (!info) throw new Error(`unknown resource ${resource}`);
  const out: KubeObject[] = new Array(count);
  let next = 0;
  let done = 0;
  const started = Date.now();
  const step = Math.max(1, Math.floor(count / 10));
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const obj = make(i);
      out[i] = await client.create(info, obj.metadata.namespace, obj);
      if (++done % step === 0)
        progress(`created ${done}/${count} ${resource} (${Math.round(done / ((Date.now() - started) / 1000))}/s)`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/** A Namespace. */
export function namespace(name: string): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name } };
}

/** A ClusterIP Service named `name` in `namespace`. */
export function service(namespace: string, name: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace },
    spec: { selector: { app: name }, ports: [{ name: "http", port: 80, protocol: "TCP" }] },
  };
}

/** A ready Pod with an IP, as a kubelet would report it. */
export function pod(namespace: string, name: string, ip: string, app: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: { app } },
    spec: { containers: [{ name: "c", image: "x", ports: [{ containerPort: 8080 }] }] },
    status: { phase: "Running", podIP: ip, conditions: [{ type: "Ready", status: "True" }] },
  };
}
