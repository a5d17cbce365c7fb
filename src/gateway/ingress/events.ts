/**
 * Records Warning Events about Ingresses (core/v1 Event, involvedObject the Ingress), each
 * distinct message once per gateway process, so `kubectl describe ingress` says why a path is not
 * served without a write per pass.
 */
import { randomBytes } from "node:crypto";
import { resourceByPath } from "../../api/resources.ts";
import type { Ingress, KubeObject } from "../../api/types.ts";
import type { RestClient } from "../../client/rest-client.ts";
import type { IngressEvent } from "./status.ts";

/** Sends events, skipping those already sent. */
export class IngressEventSink {
  readonly #client: RestClient;
  readonly #sent = new Set<string>();

  constructor(client: RestClient) {
    this.#client = client;
  }

  /** Records `events` about `ingress`; throws on API errors (the message is retried by a later pass). */
  async record(ingress: Ingress, events: readonly IngressEvent[]): Promise<void> {
    const ns = ingress.metadata.namespace ?? "default";
    const name = ingress.metadata.name ?? "";
    for (const e of events) {
      const key = `${ns}/${name}/${ingress.metadata.uid ?? ""} ${e.reason} ${e.message}`;
      if (this.#sent.has(key)) continue;
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
      const event: KubeObject = {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: `${name}.${randomBytes(8).toString("hex")}`, namespace: ns },
        involvedObject: {
          apiVersion: "networking.k8s.io/v1",
          kind: "Ingress",
          namespace: ns,
          name,
          ...(ingress.metadata.uid !== undefined ? { uid: ingress.metadata.uid } : {}),
        },
        reason: e.reason,
        message: e.message,
        type: "Warning",
        source: { component: "kdns-gateway" },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      };
      await this.#client.create(resourceByPath("", "events")!, ns, event);
      this.#sent.add(key);
    }
  }
}
