import assert from "node:assert/strict";
import { test } from "node:test";
import type { EndpointSlice, Endpoints, Pod, Service } from "../../api/types.ts";
import { slimPod } from "./pods.ts";
import {
  desiredEndpointSlices,
  desiredEndpoints,
  ENDPOINTS_MANAGED_BY,
  ENDPOINTS_MANAGED_BY_LABEL,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  SERVICE_NAME_LABEL,
} from "./sync.ts";

function svc(spec: Partial<Service["spec"]> = {}, name = "web"): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace: "ns", name, uid: "svc-uid" },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }], ...spec },
  };
}

interface PodOpts {
  ip?: string | undefined;
  ips?: string[];
  ready?: boolean;
  labels?: Record<string, string>;
  ns?: string;
  terminating?: boolean;
  hostname?: string;
  subdomain?: string;
  ports?: { name: string; containerPort: number }[];
  phase?: string;
}

function pod(name: string, o: PodOpts = {}): Pod {
  const ip = "ip" in o ? o.ip : `10.0.0.${name.length}`;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      namespace: o.ns ?? "ns",
      name,
      uid: `uid-${name}`,
      labels: o.labels ?? { app: "web" },
      ...(o.terminating ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
    },
    spec: {
      nodeName: "node-1",
      ...(o.hostname ? { hostname: o.hostname } : {}),
      ...(o.subdomain ? { subdomain: o.subdomain } : {}),
      containers: [{ name: "c", ...(o.ports ? { ports: o.ports } : {}) }],
    },
    status: {
      ...(ip ? { podIP: ip } : {}),
      ...(o.ips ? { podIPs: o.ips.map((i) => ({ ip: i })) } : {}),
      ...(o.phase ? { phase: o.phase } : {}),
      conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }],
    },
  };
}

const ref = (name: string) => ({ kind: "Pod", namespace: "ns", name, uid: `uid-${name}` });
const addr = (ip: string, name: string, extra: Record<string, string> = {}) => ({
  ip,
  nodeName: "node-1",
  targetRef: ref(name),
  ...extra,
});
const http = [{ name: "http", port: 8080, protocol: "TCP" as const }];

interface Case {
  name: string;
  service: Service;
  pods: Pod[];
  subsets: Endpoints["subsets"] | "unmanaged";
}

const cases: Case[] = [
  {
    name: "ready and not-ready pods, sorted by IP; other namespaces and labels ignored",
    service: svc(),
    pods: [
      pod("b", { ip: "10.0.0.2" }),
      pod("a", { ip: "10.0.0.1" }),
      pod("n", { ip: "10.0.0.3", ready: false }),
      pod("other-ns", { ip: "10.0.0.4", ns: "elsewhere" }),
      pod("other-app", { ip: "10.0.0.5", labels: { app: "db" } }),
    ],
    subsets: [
      {
        addresses: [addr("10.0.0.1", "a"), addr("10.0.0.2", "b")],
        notReadyAddresses: [addr("10.0.0.3", "n")],
        ports: http,
      },
    ],
  },
  {
    name: "publishNotReadyAddresses puts every pod, even terminating ones, in addresses",
    service: svc({ publishNotReadyAddresses: true }),
    pods: [pod("a", { ip: "10.0.0.1", ready: false }), pod("t", { ip: "10.0.0.2", terminating: true })],
    subsets: [{ addresses: [addr("10.0.0.1", "a"), addr("10.0.0.2", "t")], ports: http }],
  },
  {
    name: "terminating, finished and IP-less pods are left out",
    service: svc(),
    pods: [
      pod("t", { ip: "10.0.0.1", terminating: true }),
      pod("f", { ip: "10.0.0.2", phase: "Succeeded" }),
      pod("noip", { ip: undefined }),
    ],
    subsets: [],
  },
  { name: "no pods gives empty subsets", service: svc(), pods: [], subsets: [] },
  {
    name: "named target port resolved per pod; a pod lacking the name is left out of that port's subset",
    service: svc({
      ports: [
        { name: "http", port: 80, targetPort: "web", protocol: "TCP" },
        { name: "metrics", port: 9000, protocol: "TCP" },
      ],
    }),
    pods: [
      pod("a", { ip: "10.0.0.1", ports: [{ name: "web", containerPort: 8080 }] }),
      pod("b", { ip: "10.0.0.2", ports: [{ name: "web", containerPort: 8080 }] }),
      pod("c", { ip: "10.0.0.3" }),
      pod("d", { ip: "10.0.0.4", ports: [{ name: "web", containerPort: 9090 }] }),
    ],
    subsets: [
      {
        addresses: [addr("10.0.0.1", "a"), addr("10.0.0.2", "b")],
        ports: [
          { name: "http", port: 8080, protocol: "TCP" },
          { name: "metrics", port: 9000, protocol: "TCP" },
        ],
      },
      {
        addresses: [addr("10.0.0.4", "d")],
        ports: [
          { name: "http", port: 9090, protocol: "TCP" },
          { name: "metrics", port: 9000, protocol: "TCP" },
        ],
      },
      { addresses: [addr("10.0.0.3", "c")], ports: [{ name: "metrics", port: 9000, protocol: "TCP" }] },
    ],
  },
  {
    name: "a pod resolving none of the ports is left out entirely",
    service: svc({ ports: [{ name: "http", port: 80, targetPort: "web", protocol: "TCP" }] }),
    pods: [pod("c", { ip: "10.0.0.3" })],
    subsets: [],
  },
  {
    name: "hostname only when the subdomain names the service",
    service: svc(),
    pods: [
      pod("a", { ip: "10.0.0.1", hostname: "a0", subdomain: "web" }),
      pod("b", { ip: "10.0.0.2", hostname: "b0", subdomain: "other" }),
    ],
    subsets: [{ addresses: [addr("10.0.0.1", "a", { hostname: "a0" }), addr("10.0.0.2", "b")], ports: http }],
  },
  {
    name: "an IPv6 service takes each pod's IPv6 address",
    service: svc({ ipFamilies: ["IPv6"] }),
    pods: [pod("a", { ip: "10.0.0.1", ips: ["10.0.0.1", "fd00::1"] }), pod("v4only", { ip: "10.0.0.2" })],
    subsets: [{ addresses: [addr("fd00::1", "a")], ports: http }],
  },
  {
    name: "selector-less services are left alone",
    service: svc({ selector: {} }),
    pods: [pod("a")],
    subsets: "unmanaged",
  },
  {
    name: "ExternalName services are left alone",
    service: svc({ type: "ExternalName", externalName: "x.example" }),
    pods: [pod("a")],
    subsets: "unmanaged",
  },
];

for (const c of cases) {
  test(`desiredEndpoints: ${c.name}`, () => {
    const got = desiredEndpoints(c.service, c.pods);
    if (c.subsets === "unmanaged") return assert.equal(got, undefined);
    assert.ok(got);
    assert.deepEqual(got.subsets, c.subsets);
    assert.deepEqual(got.metadata, {
      name: "web",
      namespace: "ns",
      labels: { [ENDPOINTS_MANAGED_BY_LABEL]: ENDPOINTS_MANAGED_BY },
      ownerReferences: [
        { apiVersion: "v1", kind: "Service", name: "web", uid: "svc-uid", controller: true, blockOwnerDeletion: true },
      ],
    });
  });
}

test("desiredEndpoints is deterministic whatever the pod order", () => {
  const pods = [pod("a", { ip: "10.0.0.9" }), pod("b", { ip: "10.0.0.1", ready: false }), pod("c", { ip: "10.0.0.5" })];
  assert.deepEqual(desiredEndpoints(svc(), pods), desiredEndpoints(svc(), [...pods].reverse()));
});

test("headless services get the headless label on Endpoints and slices", () => {
  const s = svc({ clusterIP: "None" });
  assert.equal(desiredEndpoints(s, [])?.metadata.labels?.["service.kubernetes.io/headless"], "");
  assert.equal(desiredEndpointSlices(s, [pod("a")])[0]?.metadata.labels?.["service.kubernetes.io/headless"], "");
});

function sliceSummary(slices: EndpointSlice[]) {
  return slices.map((s) => ({
    name: s.metadata.name,
    type: s.addressType,
    eps: s.endpoints.map(
      (e) =>
        `${e.addresses.join(",")} ${e.targetRef?.name} r=${e.conditions?.ready} s=${e.conditions?.serving} t=${e.conditions?.terminating}${e.hostname ? ` h=${e.hostname}` : ""}`,
    ),
    ports: s.ports?.map((p) => `${p.name}:${p.port}`),
  }));
}

test("desiredEndpointSlices: one slice per family, with conditions, labels and owner", () => {
  const s = svc({ ipFamilies: ["IPv4", "IPv6"] });
  const slices = desiredEndpointSlices(s, [
    pod("a", { ip: "10.0.0.1", ips: ["10.0.0.1", "fd00::1"], hostname: "a0", subdomain: "web" }),
    pod("b", { ip: "10.0.0.2", ready: false }),
    pod("t", { ip: "10.0.0.3", terminating: true }),
  ]);
  assert.deepEqual(sliceSummary(slices), [
    {
      name: "web-ipv4",
      type: "IPv4",
      eps: [
        "10.0.0.1 a r=true s=true t=false h=a0",
        "10.0.0.2 b r=false s=false t=false",
        "10.0.0.3 t r=false s=true t=true",
      ],
      ports: ["http:8080"],
    },
    { name: "web-ipv6", type: "IPv6", eps: ["fd00::1 a r=true s=true t=false h=a0"], ports: ["http:8080"] },
  ]);
  const first = slices[0]!;
  assert.equal(first.apiVersion, "discovery.k8s.io/v1");
  assert.equal(first.metadata.labels?.[SERVICE_NAME_LABEL], "web");
  assert.equal(first.metadata.labels?.[MANAGED_BY_LABEL], MANAGED_BY);
  assert.deepEqual(
    first.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]),
    [["Service", "web", "svc-uid", true]],
  );
});

test("desiredEndpointSlices: a single-family service skips the other family", () => {
  const slices = desiredEndpointSlices(svc({ ipFamilies: ["IPv4"] }), [
    pod("a", { ip: "10.0.0.1", ips: ["10.0.0.1", "fd00::1"] }),
  ]);
  assert.deepEqual(
    slices.map((s) => s.addressType),
    ["IPv4"],
  );
});

test("desiredEndpointSlices: publishNotReadyAddresses marks every endpoint ready", () => {
  const slices = desiredEndpointSlices(svc({ publishNotReadyAddresses: true }), [
    pod("a", { ready: false }),
    pod("tt", { terminating: true }),
  ]);
  assert.deepEqual(
    slices[0]?.endpoints.map((e) => e.conditions?.ready),
    [true, true],
  );
});

test("desiredEndpointSlices: pods disagreeing on a named port get one slice per port set", () => {
  const s = svc({ ports: [{ name: "http", port: 80, targetPort: "web", protocol: "TCP" }] });
  const slices = desiredEndpointSlices(s, [
    pod("a", { ip: "10.0.0.1", ports: [{ name: "web", containerPort: 8080 }] }),
    pod("b", { ip: "10.0.0.2", ports: [{ name: "web", containerPort: 9090 }] }),
    pod("c", { ip: "10.0.0.3" }),
  ]);
  const summary = sliceSummary(slices);
  assert.equal(summary.length, 2);
  assert.match(summary[0]!.name!, /^web-ipv4-[0-9a-f]{8}$/);
  assert.notEqual(summary[0]!.name, summary[1]!.name);
  assert.deepEqual(summary.map((x) => [x.eps.map((e) => e.split(" ")[1]), x.ports]).sort(), [
    [["a"], ["http:8080"]],
    [["b"], ["http:9090"]],
  ]);
  assert.deepEqual(desiredEndpointSlices(s, []), [], "no pods, no slices");
  assert.deepEqual(desiredEndpointSlices(svc({ selector: {} }), [pod("a")]), [], "unmanaged");
});

test("the slim pod the informer caches gives the same Endpoints and slices as the whole pod", () => {
  const rich: Pod[] = [
    pod("a", { hostname: "h", subdomain: "web", ports: [{ name: "http", containerPort: 8080 }] }),
    pod("bb", { ready: false, ips: ["10.0.0.9", "fd00::9"] }),
    pod("ccc", { terminating: true }),
    pod("dddd", { phase: "Succeeded" }),
  ].map((p) => ({
    ...p,
    metadata: { ...p.metadata, annotations: { big: "x".repeat(1000) }, managedFields: [{ manager: "m" }] },
    spec: { ...p.spec, volumes: [{ name: "v" }], containers: p.spec.containers.map((c) => ({ ...c, image: "i" })) },
    status: {
      ...p.status,
      conditions: [...(p.status?.conditions ?? []), { type: "ContainersReady", status: "True" }],
      startTime: "2026-01-01T00:00:00Z",
    },
  }));
  const slim = rich.map(slimPod);
  for (const service of [svc(), svc({ publishNotReadyAddresses: true }), svc({ clusterIP: "None" })]) {
    assert.deepEqual(desiredEndpoints(service, slim), desiredEndpoints(service, rich));
    assert.deepEqual(desiredEndpointSlices(service, slim), desiredEndpointSlices(service, rich));
  }
  assert.ok(JSON.stringify(slim).length < JSON.stringify(rich).length / 3, "the slim pods are much smaller");
});

test("slim pods of one workload share their Ready condition and container ports, and drop a podIPs repeating podIP", () => {
  const ports = [{ name: "http", containerPort: 8080 }];
  const [a, b] = [pod("a", { ports, ips: ["10.0.0.1"], ip: "10.0.0.1" }), pod("b", { ports: [...ports] })].map(slimPod);
  assert.equal(a?.spec.containers, b?.spec.containers, "one container list for equal ports");
  assert.equal(a?.status?.conditions, b?.status?.conditions, "one Ready condition");
  assert.equal(a?.status?.podIPs, undefined, "podIPs only repeated podIP");
  const dual = slimPod(pod("c", { ip: "10.0.0.3", ips: ["10.0.0.3", "fd00::3"] }));
  assert.deepEqual(dual.status?.podIPs, [{ ip: "10.0.0.3" }, { ip: "fd00::3" }], "a second IP keeps podIPs");
  assert.equal(slimPod(pod("d", { ready: false })).status?.conditions?.[0]?.status, "False");
});
