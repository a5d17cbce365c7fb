/**
 * The Kubernetes object lifecycle through the real kubectl, registered by
 * kubectl-lifecycle-*.test.ts once per storage backend: `delete -f` of a namespace with its
 * contents, namespace termination (conditions, 403 on create, `delete --wait`), finalizers,
 * `--cascade=background|foreground|orphan` through the garbage collector, pods' graceful deletion,
 * and `--dry-run=server`.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { waitFor } from "../support/wait-for.ts";
import { type Cluster, fails, ok, requireKubectl, startCluster } from "./kubectl-harness.ts";

const APP = `
apiVersion: v1
kind: Namespace
metadata: {name: kc}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: kc}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: kc}
spec:
  ports: [{port: 8080}]
`;

/** A Service with one running, ready pod (it has a node, so its deletion is graceful). */
function serviceWithPod(ns: string, grace: number): string {
  return `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: ${ns}, labels: {app: web}}
spec:
  nodeName: node-1
  terminationGracePeriodSeconds: ${grace}
  containers: [{name: app, image: nginx, ports: [{containerPort: 80}]}]
`;
}

const READY = JSON.stringify({
  status: { podIP: "10.1.0.5", podIPs: [{ ip: "10.1.0.5" }], conditions: [{ type: "Ready", status: "True" }] },
});

/** Registers the scenario against `kdns up <args>`. */
export function lifecycleScenario(args: () => Promise<{ args: string[]; cleanup?: () => Promise<void> }>): void {
  let c: Cluster;
  let cleanup: (() => Promise<void>) | undefined;
  const json = async (args: string[]): Promise<any> =>
    JSON.parse(ok(await c.kubectl([...args, "-o", "json"]), args.join(" ")));
  const gone = async (args: string[]): Promise<boolean> => /NotFound/.test((await c.kubectl(["get", ...args])).stderr);

  before(async () => {
    requireKubectl();
    const setup = await args();
    cleanup = setup.cleanup;
    c = await startCluster(setup.args);
  });
  after(async () => {
    await c?.stop();
    await cleanup?.();
  });

  test("delete -f of a namespace and its services exits 0, and the namespace is gone when it returns", async () => {
    const file = await c.file("app.yaml", APP);
    ok(await c.kubectl(["apply", "-f", file]), "apply");
    const out = ok(await c.kubectl(["delete", "-f", file]), "delete -f");
    assert.match(out, /namespace "kc" deleted\nservice "web" deleted\nservice "api" deleted/);
    assert.equal(
      fails(await c.kubectl(["get", "ns", "kc"]), "get ns"),
      'Error from server (NotFound): namespaces "kc" not found',
    );
  });

  test("a namespace whose content a finalizer holds stays Terminating, says so, refuses new content; delete --wait returns once it is gone", async () => {
    ok(
      await c.kubectl(["apply", "-f", "-"], { stdin: "apiVersion: v1\nkind: Namespace\nmetadata: {name: held}\n" }),
      "ns",
    );
    const cm =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keep, namespace: held, finalizers: [example.com/hold]}\n";
    ok(await c.kubectl(["apply", "-f", "-"], { stdin: cm }), "configmap");
    const deleting = c.spawnKubectl(["delete", "ns", "held", "--wait=true", "--timeout=60s"]);
    const ns = await waitFor(
      async () => {
        const n = await json(["get", "ns", "held"]);
        const remaining = n.status?.conditions?.find((x: any) => x.type === "NamespaceFinalizersRemaining");
        return remaining?.status === "True" ? n : undefined;
      },
      { timeoutMs: 15_000, what: "the namespace to report its remaining finalizers" },
    );
    assert.equal(ns.status.phase, "Terminating");
    assert.ok(ns.metadata.deletionTimestamp);
    const byType = Object.fromEntries(ns.status.conditions.map((x: any) => [x.type, x]));
    assert.equal(
      byType.NamespaceFinalizersRemaining.message,
      "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances",
    );
    assert.equal(
      byType.NamespaceContentRemaining.message,
      "Some resources are remaining: configmaps has 1 resource instances",
    );
    assert.ok(
      (await json(["get", "cm", "keep", "-n", "held"])).metadata.deletionTimestamp,
      "the content is being deleted",
    );
    assert.match(
      fails(await c.kubectl(["create", "configmap", "late", "-n", "held"]), "create in a Terminating namespace"),
      /configmaps "late" is forbidden: unable to create new content in namespace held because it is being terminated/,
    );
    assert.equal(
      deleting.child.exitCode,
      null,
      `delete --wait returned while the namespace exists: ${deleting.output()}`,
    );
    ok(
      await c.kubectl(["patch", "cm", "keep", "-n", "held", "--type=merge", "-p", '{"metadata":{"finalizers":null}}']),
      "release",
    );
    const done = await deleting.exited;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /namespace "held" deleted/);
    assert.ok(await gone(["ns", "held"]), "the namespace is gone when delete --wait returns");
  });

  test("kubectl replace --raw .../finalize with the finalizers emptied frees a stuck namespace", async () => {
    ok(
      await c.kubectl(["apply", "-f", "-"], { stdin: "apiVersion: v1\nkind: Namespace\nmetadata: {name: stuck}\n" }),
      "ns",
    );
    const cm =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: pin, namespace: stuck, finalizers: [example.com/never]}\n";
    ok(await c.kubectl(["apply", "-f", "-"], { stdin: cm }), "configmap");
    ok(await c.kubectl(["delete", "ns", "stuck", "--wait=false"]), "delete");
    const ns = await json(["get", "ns", "stuck"]);
    assert.equal(ns.status.phase, "Terminating");
    const emptied = JSON.stringify({ ...ns, spec: { finalizers: [] } });
    const path = "/api/v1/namespaces/stuck/finalize";
    const out = JSON.parse(ok(await c.kubectl(["replace", "--raw", path, "-f", "-"], { stdin: emptied }), "finalize"));
    assert.deepEqual(out.spec.finalizers, []);
    assert.ok(await gone(["ns", "stuck"]), "the namespace is gone once its finalizers are");
    const noSuch = JSON.stringify({ ...ns, metadata: { name: "no-such" }, spec: { finalizers: [] } });
    assert.match(
      fails(
        await c.kubectl(["replace", "--raw", "/api/v1/namespaces/no-such/finalize", "-f", "-"], { stdin: noSuch }),
        "404",
      ),
      /NotFound|not found/,
    );
  });

  test("finalizers hold any object; none may be added once deletion started; dry-run deletes nothing", async () => {
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fin, finalizers: [example.com/a]}\n";
    ok(await c.kubectl(["apply", "-f", "-"], { stdin: cm }), "configmap");
    ok(await c.kubectl(["delete", "cm", "fin", "--dry-run=server"]), "dry-run");
    assert.equal((await json(["get", "cm", "fin"])).metadata.deletionTimestamp, undefined, "dry-run changes nothing");
    ok(await c.kubectl(["delete", "cm", "fin", "--wait=false"]), "delete");
    const held = await json(["get", "cm", "fin"]);
    assert.ok(held.metadata.deletionTimestamp);
    assert.equal(held.metadata.deletionGracePeriodSeconds, 0);
    const add = '{"metadata":{"finalizers":["example.com/a","example.com/b"]}}';
    assert.match(
      fails(await c.kubectl(["patch", "cm", "fin", "--type=merge", "-p", add]), "adding a finalizer"),
      /metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers \[\]string\{"example.com\/b"\}/,
    );
    ok(await c.kubectl(["patch", "cm", "fin", "--type=merge", "-p", '{"metadata":{"finalizers":[]}}']), "release");
    assert.ok(await gone(["cm", "fin"]), "the update that empties the finalizers completes the deletion");
  });

  test("--cascade=orphan keeps a Service's Endpoints and slices without owners; background and foreground delete them", async () => {
    ok(await c.kubectl(["apply", "-f", await c.file("svc.yaml", serviceWithPod("default", 30))]), "apply");
    ok(await c.kubectl(["patch", "pod", "web-1", "--subresource=status", "--type=merge", "-p", READY]), "ready");
    const slices = ["endpointslices", "-l", "kubernetes.io/service-name=web"];
    const owned = async (): Promise<boolean> => {
      const ep = (await c.kubectl(["get", "endpoints", "web", "-o", "jsonpath={.metadata.ownerReferences[0].kind}"]))
        .stdout;
      const sl = (await c.kubectl(["get", ...slices, "-o", "jsonpath={.items[*].metadata.ownerReferences[0].kind}"]))
        .stdout;
      return ep === "Service" && sl === "Service";
    };
    await waitFor(owned, { timeoutMs: 15_000, what: "Endpoints and slices owned by the Service" });

    ok(await c.kubectl(["delete", "svc", "web", "--cascade=orphan"]), "orphan");
    const ep = await json(["get", "endpoints", "web"]);
    assert.equal(ep.metadata.ownerReferences, undefined, "orphaned Endpoints lose their owner");
    assert.equal((await json(["get", ...slices])).items.length, 1, "orphaned slices stay");

    ok(await c.kubectl(["apply", "-f", await c.file("svc.yaml", serviceWithPod("default", 30))]), "re-apply");
    await waitFor(owned, { timeoutMs: 15_000, what: "the new Service to adopt its Endpoints and slices" });
    ok(await c.kubectl(["delete", "svc", "web", "--cascade=foreground"]), "foreground");
    assert.ok(await gone(["endpoints", "web"]), "a foreground delete returns after the dependents are gone");
    assert.equal((await json(["get", ...slices])).items.length, 0);

    ok(await c.kubectl(["apply", "-f", await c.file("svc.yaml", serviceWithPod("default", 30))]), "re-apply");
    await waitFor(owned, { timeoutMs: 15_000, what: "Endpoints and slices for the third Service" });
    ok(await c.kubectl(["delete", "svc", "web"]), "background");
    await waitFor(
      async () => (await gone(["endpoints", "web"])) && (await json(["get", ...slices])).items.length === 0,
      {
        timeoutMs: 15_000,
        what: "the collector to delete the Service's Endpoints and slices",
      },
    );
  });

  test("a running pod is deleted gracefully: terminating at once, gone after its grace period or a delete at 0", async () => {
    const slice = [
      "endpointslices",
      "-l",
      "kubernetes.io/service-name=web",
      "-o",
      "jsonpath={.items[0].endpoints[0].conditions}",
    ];
    ok(await c.kubectl(["apply", "-f", await c.file("svc.yaml", serviceWithPod("default", 30))]), "apply");
    ok(await c.kubectl(["patch", "pod", "web-1", "--subresource=status", "--type=merge", "-p", READY]), "ready");
    ok(await c.kubectl(["delete", "pod", "web-1", "--wait=false"]), "delete");
    const pod = await json(["get", "pod", "web-1"]);
    assert.equal(pod.metadata.deletionGracePeriodSeconds, 30);
    const conditions = await waitFor(
      async () => {
        const out = (await c.kubectl(["get", ...slice])).stdout;
        return out ? JSON.parse(out) : undefined;
      },
      { timeoutMs: 15_000, what: "a slice for the terminating pod" },
    );
    assert.deepEqual(conditions, { ready: false, serving: true, terminating: true });
    const ep = await json(["get", "endpoints", "web"]);
    assert.deepEqual(ep.subsets ?? [], [], "a terminating pod is no address DNS or the gateway uses");
    ok(await c.kubectl(["delete", "pod", "web-1", "--grace-period=0", "--force"]), "force");
    assert.ok(await gone(["pod", "web-1"]));

    ok(await c.kubectl(["apply", "-f", await c.file("short.yaml", serviceWithPod("default", 1))]), "short grace");
    ok(await c.kubectl(["delete", "pod", "web-1", "--timeout=20s"]), "delete waits for the grace period to end");
    assert.ok(await gone(["pod", "web-1"]));
  });

  test("apply --server-side: managedFields per manager, 409 listing the conflicts, --force-conflicts, fields no longer applied removed", async () => {
    const svc = (labels: string, ports: string): string =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: owned, labels: {${labels}}}\nspec:\n  ports: [${ports}]\n`;
    const apply = (manager: string, text: string, ...flags: string[]) =>
      c.kubectl(["apply", "--server-side", `--field-manager=${manager}`, ...flags, "-f", "-"], { stdin: text });
    ok(
      await apply("alice", svc("a: '1', shared: x", "{port: 53, protocol: UDP, name: dns}, {port: 80, name: http}")),
      "alice",
    );
    const conflicted = fails(await apply("bob", svc("a: '2', shared: x", "{port: 80, name: web}")), "bob");
    assert.match(
      conflicted,
      /Apply failed with 2 conflicts: conflicts with "alice" using v1:\n- \.metadata\.labels\.a\n- \.spec\.ports\[port=80,protocol="TCP"\]\.name/,
    );
    ok(await apply("bob", svc("a: '2', shared: x", "{port: 80, name: web}"), "--force-conflicts"), "bob forced");
    const managed = await json(["get", "svc", "owned", "--show-managed-fields"]);
    const managers = managed.metadata.managedFields.map((e: any) => [e.manager, e.operation]);
    assert.deepEqual(managers, [
      ["alice", "Apply"],
      ["bob", "Apply"],
    ]);
    assert.deepEqual(Object.keys(managed.metadata.managedFields[1].fieldsV1["f:metadata"]["f:labels"]).sort(), [
      "f:a",
      "f:shared",
    ]);
    // Alice stops applying port 53 and `shared`: the port goes, `shared` stays (bob applies it too).
    ok(await apply("alice", svc("a: '2'", "{port: 80}")), "alice again");
    const got = await json(["get", "svc", "owned"]);
    assert.deepEqual(got.metadata.labels, { a: "2", shared: "x" });
    assert.deepEqual(
      got.spec.ports.map((p: any) => `${p.port}/${p.protocol} ${p.name}`),
      ["80/TCP web"],
    );
    // A plain write takes over the fields it changes: an apply changing them back conflicts with it.
    ok(await c.kubectl(["label", "svc", "owned", "a=3", "--overwrite"]), "label");
    assert.match(
      fails(await apply("alice", svc("a: '2'", "{port: 80}")), "apply over a label"),
      /Apply failed with 1 conflict: conflict with "kubectl-label" using v1: \.metadata\.labels\.a/,
    );
  });

  test("a create records its manager's Update entry; an apply changing that field conflicts with kubectl-create", async () => {
    ok(await c.kubectl(["create", "configmap", "made", "--from-literal=a=1"]), "create");
    const made = await json(["get", "cm", "made", "--show-managed-fields"]);
    assert.deepEqual(
      made.metadata.managedFields.map((e: any) => [e.manager, e.operation]),
      [["kubectl-create", "Update"]],
    );
    assert.deepEqual(Object.keys(made.metadata.managedFields[0].fieldsV1["f:data"]), ["f:a"]);
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: made}\ndata: {a: '9'}\n";
    assert.match(
      fails(await c.kubectl(["apply", "--server-side", "--field-manager=alice", "-f", "-"], { stdin: cm }), "apply"),
      /Apply failed with 1 conflict: conflict with "kubectl-create" using v1: \.data\.a/,
    );
  });

  test("apply --server-side --dry-run=server validates and answers without storing, for a new object and a change", async () => {
    const cm = (name: string, value: string): string =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {a: '${value}'}\n`;
    const apply = (text: string, ...flags: string[]) =>
      c.kubectl(["apply", "--server-side", "--field-manager=dry", "--dry-run=server", ...flags, "-f", "-"], {
        stdin: text,
      });
    assert.match(
      ok(await apply(cm("dry-new", "1")), "dry create"),
      /configmap\/dry-new serverside-applied \(server dry run\)/,
    );
    assert.ok(await gone(["cm", "dry-new"]), "a dry-run apply creates nothing");

    ok(
      await c.kubectl(["apply", "--server-side", "--field-manager=dry", "-f", "-"], { stdin: cm("dry-old", "1") }),
      "apply",
    );
    const before = await json(["get", "cm", "dry-old"]);
    const answer = JSON.parse(ok(await apply(cm("dry-old", "2"), "-o", "json"), "dry change"));
    assert.equal(answer.data.a, "2", "the answer is the object as it would be");
    const after = await json(["get", "cm", "dry-old"]);
    assert.equal(after.data.a, "1", "the stored object is unchanged");
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
    const invalid = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry-old}\ndata: {'bad key': x}\n";
    assert.match(fails(await apply(invalid), "dry-run of an invalid object"), /is invalid/);
  });

  test("apply --server-side --subresource=status tracks status managers in entries of their own, with conflicts", async () => {
    const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: st}\nspec:\n  containers: [{name: app, image: nginx}]\n";
    ok(await c.kubectl(["apply", "--server-side", "--field-manager=owner", "-f", "-"], { stdin: pod }), "pod");
    const status = (ip: string): string =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: st}\nstatus:\n  podIP: ${ip}\n  conditions: [{type: Ready, status: 'True'}]\n`;
    const applyStatus = (manager: string, text: string) =>
      c.kubectl(["apply", "--server-side", "--subresource=status", `--field-manager=${manager}`, "-f", "-"], {
        stdin: text,
      });
    ok(await applyStatus("kubelet", status("10.1.0.9")), "status apply");
    const got = await json(["get", "pod", "st", "--show-managed-fields"]);
    assert.equal(got.status.podIP, "10.1.0.9");
    const kubelet = got.metadata.managedFields.find((e: any) => e.manager === "kubelet");
    assert.equal(kubelet.operation, "Apply");
    assert.equal(kubelet.subresource, "status");
    assert.deepEqual(Object.keys(kubelet.fieldsV1["f:status"]).sort(), ["f:conditions", "f:podIP"]);
    assert.ok(kubelet.fieldsV1["f:status"]["f:conditions"]['k:{"type":"Ready"}'], "conditions are tracked by type");
    const owner = got.metadata.managedFields.find((e: any) => e.manager === "owner");
    assert.equal(owner.subresource, undefined);
    assert.equal(owner.fieldsV1["f:status"], undefined);
    assert.match(
      fails(await applyStatus("other", status("10.1.0.10")), "status conflict"),
      /Apply failed with 1 conflict: conflict with "kubelet" using v1: \.status\.podIP/,
    );
    ok(await c.kubectl(["delete", "pod", "st", "--grace-period=0", "--force"]), "cleanup");
  });

  test("apply --server-side tracks map lists per element (k:), sets per member (v:), and removes what a manager stops applying", async () => {
    const pod = (container: string, image: string, finalizer: string): string =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: lists, finalizers: [${finalizer}]}\nspec:\n  containers: [{name: ${container}, image: ${image}, ports: [{containerPort: 80}]}]\n`;
    const apply = (manager: string, text: string) =>
      c.kubectl(["apply", "--server-side", `--field-manager=${manager}`, "-f", "-"], { stdin: text });
    ok(await apply("alice", pod("app", "nginx", "example.com/a")), "alice");
    ok(await apply("bob", pod("side", "busybox", "example.com/b")), "bob: other elements, no conflict");
    const got = await json(["get", "pod", "lists", "--show-managed-fields"]);
    assert.deepEqual(
      got.spec.containers.map((x: any) => `${x.name}=${x.image}`),
      ["app=nginx", "side=busybox"],
    );
    assert.deepEqual(got.metadata.finalizers, ["example.com/a", "example.com/b"]);
    const bob = got.metadata.managedFields.find((e: any) => e.manager === "bob").fieldsV1;
    assert.deepEqual(Object.keys(bob["f:spec"]["f:containers"]), ['k:{"name":"side"}']);
    assert.ok(bob["f:spec"]["f:containers"]['k:{"name":"side"}']["f:ports"]['k:{"containerPort":80,"protocol":"TCP"}']);
    assert.deepEqual(Object.keys(bob["f:metadata"]["f:finalizers"]), ['v:"example.com/b"']);
    assert.match(
      fails(await apply("bob", pod("app", "httpd", "example.com/b")), "bob changes alice's image"),
      /Apply failed with 1 conflict: conflict with "alice" using v1: \.spec\.containers\[name="app"\]\.image/,
    );
    // Alice stops applying her finalizer: it goes, bob's stays.
    ok(await apply("alice", pod("app", "nginx", "example.com/b")), "alice drops hers");
    assert.deepEqual((await json(["get", "pod", "lists"])).metadata.finalizers, ["example.com/b"]);
    ok(await c.kubectl(["patch", "pod", "lists", "--type=merge", "-p", '{"metadata":{"finalizers":null}}']), "release");
    ok(await c.kubectl(["delete", "pod", "lists", "--grace-period=0", "--force"]), "cleanup");
  });
}
