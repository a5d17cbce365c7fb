import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHarness } from "./test/e2e/apiserver-harness.ts";
import { openStorage } from "./src/storage/index.ts";
const N = Number(process.argv[2] ?? 20000);
const dir = await mkdtemp(join(tmpdir(), "lp-"));
const storage = await openStorage({ type: process.argv[3] === "mem" ? "memory" : "embedded", dataDir: dir });
const h = await startHarness({ storage });
for (let n = 0; n < 100; n++) await h.call("POST", "/api/v1/namespaces", { metadata: { name: `ns-${n}` } });
let t = performance.now();
for (let j = 0; j < N; j++) {
  const ns = `ns-${j % 100}`, name = `pod-${j}`;
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: ns, uid: crypto.randomUUID(), creationTimestamp: new Date().toISOString(), labels: { app: `svc-${j % 1000}` } },
    spec: { containers: [{ name: "c", image: "x", ports: [{ containerPort: 8080 }] }], nodeName: "fake-node" },
    status: { phase: "Running", podIP: `10.${(j >> 16) & 255}.${(j >> 8) & 255}.${j & 255}`, conditions: [{ type: "Ready", status: "True" }] } };
  await storage.create(`core/pods/${ns}/${name}`, JSON.stringify(pod));
}
console.log("created", N, Math.round(performance.now() - t), "ms");
await new Promise((r) => setTimeout(r, 2000));
const accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
for (const hdr of [accept]) {
  let cont = ""; const times: number[] = []; let rows = 0;
  t = performance.now();
  do {
    const s = performance.now();
    const res = await fetch(`${h.url}/api/v1/pods?limit=500${cont ? `&continue=${cont}` : ""}`, { headers: { accept: hdr } });
    const body: any = await res.json();
    times.push(performance.now() - s);
    rows += (body.rows ?? body.items).length;
    cont = body.metadata.continue ?? "";
  } while (cont);
  console.log(hdr.slice(0, 30), "rows", rows, "total ms", Math.round(performance.now() - t), "first", times.slice(0, 3).map(Math.round), "last", times.slice(-3).map(Math.round));
}
const kc = join(dir, "kc");
await writeFile(kc, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${h.url}"}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\nusers: [{name: u, user: {}}]\ncurrent-context: c\n`);
for (const args of [["get", "pods", "-A"], ["get", "pods", "-A", "--chunk-size=5000"]]) {
  t = performance.now();
  const out = await promisify(execFile)("kubectl", ["--kubeconfig", kc, ...args, ...(process.argv.includes("-v") ? ["-v=6"] : [])], { maxBuffer: 1 << 30 });
  console.log("kubectl", args.join(" "), Math.round(performance.now() - t), "ms", out.stdout.split("\n").length);
  if (process.argv.includes("-v")) { const g = out.stderr.split("\n").filter((l) => /pods/.test(l)); console.log(g.length, g[0]?.slice(0, 60), g.at(-1)?.slice(0, 60), new Date().toISOString()); const ms = g.map((l) => Number(/OK in (\d+) ms/.exec(l)?.[1] ?? 0)); console.log("throttle total ms", out.stderr.split("\n").filter((l) => /throttling/.test(l)).map((l) => Number(/Waited for ([0-9.]+)ms/.exec(l)?.[1] ?? 0)).reduce((a, b) => a + b, 0)); console.log("server ms sum", ms.reduce((a, b) => a + b, 0), "throttle lines", out.stderr.split("\n").filter((l) => /throttling/.test(l)).map((l) => /Waited for ([0-9.]+)ms/.exec(l)?.[1]).join(",")); }
}
await h.close(); await storage.close();
