/**
 * Loads a kdns gateway with many HTTPRoutes for `npm run bench:gateway`, so the change-live time is
 * also measured with a realistic route table behind it: kdns's GatewayClass, one Gateway, one
 * selector-less Service whose Endpoints (written here: the benchmark runs no controllers) point at
 * the backend, and `count` HTTPRoutes, each its own hostname with path `/` to that Service.
 */
import type { Gateway, GatewayClass, HTTPRoute } from "../../src/api/gateway-api-types.ts";
import { resourceByPath } from "../../src/api/resources.ts";
import type { Endpoints, Service } from "../../src/api/types.ts";
import type { RestClient } from "../../src/client/rest-client.ts";

const GROUP = "gateway.networking.k8s.io";
const NAMESPACE = "default";
/** Creates in flight at once. */
const IN_FLIGHT = 16;

/** The host the route numbered `i` serves. */
export function routeHost(i: number): string {
  return `r${i}.routes.test`;
}

function info(group: string, plural: string) {
  const found = resourceByPath(group, plural);
  if (!found) throw new Error(`${plural} is not in the resource table`);
  return found;
}

/** Creates the Gateway API objects and `count` HTTPRoutes routing to `backend`; resolves when all are stored. */
export async function loadHttpRoutes(
  client: RestClient,
  count: number,
  backend: { ip: string; port: number },
): Promise<void> {
  await client.create(info(GROUP, "gatewayclasses"), undefined, {
    apiVersion: `${GROUP}/v1`,
    kind: "GatewayClass",
    metadata: { name: "kdns" },
    spec: { controllerName: "kdns.dev/gateway" },
  } satisfies GatewayClass);
  await client.create(info(GROUP, "gateways"), NAMESPACE, {
    apiVersion: `${GROUP}/v1`,
    kind: "Gateway",
    metadata: { name: "bench", namespace: NAMESPACE },
    spec: { gatewayClassName: "kdns", listeners: [{ name: "http", protocol: "HTTP", port: 80 }] },
  } as Gateway);
  await client.create(info("", "services"), NAMESPACE, {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "bench-routes", namespace: NAMESPACE },
    spec: { ports: [{ port: 80 }] },
  } as Service);
  await client.create(info("", "endpoints"), NAMESPACE, {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "bench-routes", namespace: NAMESPACE },
    subsets: [{ addresses: [{ ip: backend.ip }], ports: [{ port: backend.port }] }],
  } satisfies Endpoints);
  const routes = info(GROUP, "httproutes");
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++)
      await client.create(routes, NAMESPACE, {
        apiVersion: `${GROUP}/v1`,
        kind: "HTTPRoute",
        metadata: { name: `bench-route-${i}`, namespace: NAMESPACE },
        spec: {
          parentRefs: [{ name: "bench" }],
          hostnames: [routeHost(i)],
          rules: [
            {
              matches: [{ path: { type: "PathPrefix", value: "/" } }],
              backendRefs: [{ name: "bench-routes", port: 80 }],
            },
          ],
        },
      } as HTTPRoute);
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
}
