import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultEndpointSlice, defaultEndpoints } from "../defaults/endpoints.ts";
import type { KubeObject } from "../types.ts";
import { validateEndpointSlice, validateEndpoints } from "./endpoints.ts";

const meta = { name: "web", namespace: "default" };
const ep = (subsets: unknown): KubeObject => ({ apiVersion: "v1", kind: "Endpoints", metadata: meta, subsets });
const slice = (addressType: unknown, endpoints: unknown, ports?: unknown): KubeObject => ({
  apiVersion: "discovery.k8s.io/v1",
  kind: "EndpointSlice",
  metadata: { ...meta, name: "web-abc" },
  addressType,
  endpoints,
  ...(ports !== undefined ? { ports } : {}),
});
const epFields = (o: KubeObject) => (defaultEndpoints(o), validateEndpoints(o).map((c) => c.field));
const sliceFields = (o: KubeObject) => (defaultEndpointSlice(o), validateEndpointSlice(o).map((c) => c.field));

test("Endpoints: valid and invalid", () => {
  assert.deepEqual(
    epFields(
      ep([
        {
          addresses: [{ ip: "10.0.0.1", hostname: "web-0" }],
          notReadyAddresses: [{ ip: "::1" }],
          ports: [
            { name: "http", port: 80 },
            { name: "dns", port: 53, protocol: "UDP" },
          ],
        },
      ]),
    ),
    [],
  );
  assert.deepEqual(epFields(ep(undefined)), []);
  const cases: [unknown, string[]][] = [
    [[{ addresses: [{ ip: "10.0.0.256" }] }], ["subsets[0].addresses[0].ip"]],
    [[{ addresses: [{}] }], ["subsets[0].addresses[0].ip"]],
    [[{ notReadyAddresses: [{ ip: "a;b" }] }], ["subsets[0].notReadyAddresses[0].ip"]],
    [[{ addresses: [{ ip: "10.0.0.1", hostname: "A" }] }], ["subsets[0].addresses[0].hostname"]],
    [[{ ports: [{ port: 0 }] }], ["subsets[0].ports[0].port"]],
    [
      [{ ports: [{ port: 80 }, { port: 81 }] }],
      ["subsets[0].ports[0].name", "subsets[0].ports[1].name", "subsets[0].ports[1].name"],
    ],
    [[{ ports: [{ name: "a", port: 80, protocol: "X" }] }], ["subsets[0].ports[0].protocol"]],
    ["x", ["subsets"]],
  ];
  for (const [subsets, want] of cases) assert.deepEqual(epFields(ep(subsets)), want, JSON.stringify(subsets));
});

test("EndpointSlice: addresses must match addressType", () => {
  assert.deepEqual(
    sliceFields(
      slice("IPv4", [{ addresses: ["10.0.0.1"], conditions: { ready: true } }], [{ name: "http", port: 80 }]),
    ),
    [],
  );
  assert.deepEqual(sliceFields(slice("IPv6", [{ addresses: ["fd00::1"] }])), []);
  assert.deepEqual(sliceFields(slice("FQDN", [{ addresses: ["db.example.com"] }])), []);
  const cases: [KubeObject, string[]][] = [
    [slice("IPv4", [{ addresses: ["fd00::1"] }]), ["endpoints[0].addresses[0]"]],
    [slice("IPv6", [{ addresses: ["10.0.0.1"] }]), ["endpoints[0].addresses[0]"]],
    [slice("FQDN", [{ addresses: ["10.0.0.1:80"] }]), ["endpoints[0].addresses[0]"]],
    [slice("IPX", [{ addresses: ["10.0.0.1"] }]), ["addressType"]],
    [slice(undefined, []), ["addressType"]],
    [slice("IPv4", [{ addresses: [] }]), ["endpoints[0].addresses"]],
    [slice("IPv4", [{ addresses: ["10.0.0.1"], hostname: "-x" }]), ["endpoints[0].hostname"]],
    [slice("IPv4", [{ addresses: ["10.0.0.1"], conditions: { ready: "yes" } }]), ["endpoints[0].conditions.ready"]],
    [slice("IPv4", [], [{ port: 70000 }]), ["ports[0].port"]],
    [
      slice(
        "IPv4",
        [],
        [
          { name: "a", port: 80 },
          { name: "a", port: 81 },
        ],
      ),
      ["ports[1].name"],
    ],
    [slice("IPv4", "x", 3), ["endpoints", "ports"]],
  ];
  for (const [obj, want] of cases) assert.deepEqual(sliceFields(obj), want, JSON.stringify(obj));
});
