/**
 * The objects bench:scale (and the bench/rss diagnostic) create: Services spread over the
 * namespaces, one in ten headless, and pods spread over the Services round-robin, written with a
 * Ready status and an IP (kdns has no kubelet; kwok's fake nodes do the same).
 */
import type { KubeObject } from "../../src/api/types.ts";

/** The objects of a run with `namespaces` namespaces. */
export function scaleObjects(namespaces: number) {
  const nsOf = (i: number): string => `ns-${i % namespaces}`;
  /** One Service in ten is headless: its A records are its ready pods, so DNS shows readiness. */
  const headless = (s: number): boolean => s % 10 === 0;
  const podIp = (j: number): string => `10.${1 + (j >> 16)}.${(j >> 8) & 255}.${j & 255}`;
  const service = (s: number): KubeObject => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace: nsOf(s), name: `svc-${s}` },
    spec: {
      selector: { app: `svc-${s}` },
      ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }],
      ...(headless(s) ? { clusterIP: "None" } : {}),
    },
  });
  /** Pod j belongs to Service j mod services: pods of all Services arrive interleaved. */
  const pod = (j: number, services: number): KubeObject => {
    const s = j % services;
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { namespace: nsOf(s), name: `pod-${j}`, labels: { app: `svc-${s}`, tier: "web" } },
      spec: { containers: [{ name: "c", image: "x", ports: [{ containerPort: 8080 }] }], nodeName: "fake-node" },
      status: { phase: "Running", podIP: podIp(j), conditions: [{ type: "Ready", status: "True" }] },
    };
  };
  return { nsOf, headless, podIp, service, pod };
}
