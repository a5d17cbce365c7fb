import assert from "node:assert/strict";
import { test } from "node:test";
import { dnsClusterIp, dnsService } from "./dns-service.ts";

test("kube-dns gets kubeadm's address, the tenth of the service range, where there is one", () => {
  assert.equal(dnsClusterIp("10.96.0.0/12"), "10.96.0.10");
  assert.equal(dnsClusterIp("172.20.5.0/24"), "172.20.5.10");
  assert.equal(dnsClusterIp("10.0.0.0/29"), undefined, "8 addresses: no tenth");
  assert.equal(dnsClusterIp("fd00::/108"), undefined, "IPv6: the allocator picks");
});

test("kube-dns is selector-less, port 53 over UDP and TCP aimed at the DNS port", () => {
  const svc = dnsService(1053, "10.96.0.10");
  assert.deepEqual(
    { ns: svc.metadata.namespace, name: svc.metadata.name, ip: svc.spec.clusterIP, selector: svc.spec.selector },
    { ns: "kube-system", name: "kube-dns", ip: "10.96.0.10", selector: undefined },
  );
  assert.deepEqual(
    svc.spec.ports?.map((p) => `${p.name} ${p.port}/${p.protocol} → ${p.targetPort}`),
    ["dns 53/UDP → 1053", "dns-tcp 53/TCP → 1053"],
  );
  assert.equal(dnsService(1053, undefined).spec.clusterIP, undefined);
});
