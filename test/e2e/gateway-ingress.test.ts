/**
 * Ingress through both gateway engines, end to end in process: the default IngressClass appears,
 * a class-less Ingress is served with Kubernetes path semantics (Exact, Prefix on whole elements,
 * the path unchanged, defaultBackend, a port by name) and gets the gateway address in its status,
 * one of another class is left alone, conflicts with DNSRecords go to the older owner and the
 * loser's status or a Warning Event says who serves it, a `tls` entry serves HTTPS with curl
 * verifying the certificate, and a deleted default class stays deleted.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { resourceByPath } from "../../src/api/resources.ts";
import type { DNSRecord, Endpoints, Ingress, IngressClass, KubeObject, Service } from "../../src/api/types.ts";
import { ClientError } from "../../src/client/rest-client.ts";
import { ensureDefaultIngressClass } from "../../src/gateway/ingress/default-class.ts";
import { TEXT } from "../../src/gateway/texts.ts";
import { freePort } from "../support/free-port.ts";
import { startTestCa, type TestCa, tlsSecret } from "../support/test-pki.ts";
import { curl } from "../support/tls-clients.ts";
import { waitFor } from "../support/wait-for.ts";
import {
  DNSRECORDS,
  dnsRecord,
  type Echo,
  ENDPOINTS,
  type GatewayHarness,
  SERVICES,
  startEcho,
  startGatewayHarness,
} from "./gateway-harness.ts";

const INGRESSES = resourceByPath("networking.k8s.io", "ingresses")!;
const CLASSES = resourceByPath("networking.k8s.io", "ingressclasses")!;
const SECRETS = resourceByPath("", "secrets")!;
const EVENTS = resourceByPath("", "events")!;
const LOOPBACK = "127.0.0.1";

type EchoServer = Awaited<ReturnType<typeof startEcho>>;

const backend = (name: string, port: number | string) => ({
  service: { name, port: typeof port === "number" ? { number: port } : { name: port } },
});

function ingress(name: string, spec: NonNullable<Ingress["spec"]>): Ingress {
  return { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name, namespace: "default" }, spec };
}

for (const engine of ["builtin", "nginx"] as const) {
  describe(`gateway Ingress: ${engine}`, () => {
    let h: GatewayHarness;
    let ca: TestCa;
    const echos: EchoServer[] = [];
    const plain = (host: string, path: string) => curl("http", host, h.port, LOOPBACK, path);
    const echoOf = (body: string): Echo => JSON.parse(body) as Echo;
    const lbIp = async (name: string): Promise<string | undefined> =>
      (await h.client.get<Ingress>(INGRESSES, "default", name)).status?.loadBalancer?.ingress?.[0]?.ip;

    /** A Service `name` (port `http` 80) whose one endpoint is `echo`. */
    async function service(name: string, echo: EchoServer): Promise<void> {
      await h.client.create<Service>(SERVICES, "default", {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace: "default" },
        spec: { ports: [{ name: "http", port: 80 }] },
      });
      await h.client.create<Endpoints>(ENDPOINTS, "default", {
        apiVersion: "v1",
        kind: "Endpoints",
        metadata: { name, namespace: "default" },
        subsets: [{ addresses: [{ ip: LOOPBACK }], ports: [{ name: "http", port: echo.port }] }],
      });
    }

    before(async () => {
      ca = await startTestCa();
      for (const n of ["A", "B", "C"]) echos.push(await startEcho(n));
      h = await startGatewayHarness(engine, { tls: { host: LOOPBACK, port: await freePort() } });
      await service("web", echos[0]!);
      await service("api", echos[1]!);
      await service("fallback", echos[2]!);
    });
    after(async () => {
      await h?.close();
      for (const e of echos) await e.close();
      await ca?.close();
    });

    test("kdns creates its IngressClass, default and with kdns's controller", async () => {
      const cls = await waitFor(
        async () => {
          try {
            return await h.client.get<IngressClass>(CLASSES, undefined, "kdns");
          } catch (err) {
            if (err instanceof ClientError && err.code === 404) return undefined;
            throw err;
          }
        },
        { what: "IngressClass kdns" },
      );
      assert.equal(cls.spec?.controller, "kdns.dev/gateway");
      assert.equal(cls.metadata.annotations?.["ingressclass.kubernetes.io/is-default-class"], "true");
    });

    test("a class-less Ingress is served: Exact, Prefix by whole elements, path unchanged, defaultBackend; status has the address", async () => {
      await h.client.create(
        INGRESSES,
        "default",
        ingress("site", {
          defaultBackend: backend("fallback", 80),
          rules: [
            {
              host: "site.test",
              http: {
                paths: [
                  { path: "/exact", pathType: "Exact", backend: backend("api", 80) },
                  { path: "/app", pathType: "Prefix", backend: backend("web", "http") },
                  { path: "/impl/", pathType: "ImplementationSpecific", backend: backend("api", 80) },
                ],
              },
            },
          ],
        }),
      );
      assert.equal(await waitFor(() => lbIp("site"), { what: "site's status.loadBalancer" }), LOOPBACK);
      await waitFor(async () => (await plain("site.test", "/exact")).status === 200, { what: "site served" });
      const cases: [string, string, string][] = [
        ["/exact", "B", "/exact"],
        ["/exact/", "C", "/exact/"],
        ["/app", "A", "/app"],
        ["/app/x/y?q=1", "A", "/app/x/y?q=1"],
        ["/appx", "C", "/appx"],
        ["/impl", "B", "/impl"],
        ["/impl/z", "B", "/impl/z"],
        ["/", "C", "/"],
      ];
      for (const [path, name, url] of cases) {
        const r = await plain("site.test", path);
        assert.equal(r.status, 200, `${path}: ${r.body}`);
        const e = echoOf(r.body);
        assert.deepEqual([e.name, e.url], [name, url], path);
      }
    });

    test("an Ingress of another class is neither served nor given a status", async () => {
      await h.client.create(
        INGRESSES,
        "default",
        ingress("theirs", {
          ingressClassName: "nginx",
          rules: [
            { host: "theirs.test", http: { paths: [{ path: "/", pathType: "Prefix", backend: backend("web", 80) }] } },
          ],
        }),
      );
      // A DNSRecord created after it is served once its pass ran: that pass also saw "theirs".
      await h.client.create(
        DNSRECORDS,
        "default",
        dnsRecord("marker", "marker.test", [{ path: "/", address: LOOPBACK, port: echos[0]!.port }]),
      );
      await h.served("marker");
      const r = await plain("theirs.test", "/");
      assert.deepEqual([r.status, r.body.trim()], [404, TEXT.noHost]);
      assert.equal(await lbIp("theirs"), undefined);
    });

    test("an older DNSRecord keeps its host+path and the Ingress gets a Warning Event; an older Ingress wins over a newer record", async () => {
      await h.client.create(
        DNSRECORDS,
        "default",
        dnsRecord("old-rec", "shared.test", [{ path: "/p", address: LOOPBACK, port: echos[0]!.port }]),
      );
      await h.served("old-rec");
      const old = await h.client.get<DNSRecord>(DNSRECORDS, "default", "old-rec");
      await waitFor(() => new Date().toISOString().slice(0, 19) > (old.metadata.creationTimestamp ?? "").slice(0, 19), {
        what: "a second after the record's creation",
      });
      await h.client.create(
        INGRESSES,
        "default",
        ingress("late", {
          rules: [
            {
              host: "shared.test",
              http: {
                paths: [
                  { path: "/p", pathType: "Prefix", backend: backend("api", 80) },
                  { path: "/q", pathType: "Prefix", backend: backend("api", 80) },
                ],
              },
            },
          ],
        }),
      );
      const event = await waitFor(
        async () =>
          (await h.client.list<KubeObject>(EVENTS, "default")).items.find(
            (e) => (e["involvedObject"] as { name?: string }).name === "late" && e["reason"] === "Conflict",
          ),
        { what: "Conflict event on Ingress late" },
      );
      assert.equal(event["type"], "Warning");
      assert.match(
        String(event["message"]),
        /host shared\.test path \/p is not served by this Ingress: DNSRecord default\/old-rec is older/,
      );
      await waitFor(async () => (await plain("shared.test", "/q")).status === 200, { what: "late's other path" });
      assert.equal(echoOf((await plain("shared.test", "/p/x")).body).name, "A", "the record's backend");
      assert.equal(echoOf((await plain("shared.test", "/q")).body).name, "B");

      // creationTimestamp has one-second resolution: create the record in a later second than the Ingress.
      const late = await h.client.get<Ingress>(INGRESSES, "default", "late");
      await waitFor(
        () => new Date().toISOString().slice(0, 19) > (late.metadata.creationTimestamp ?? "").slice(0, 19),
        {
          what: "a second after the Ingress's creation",
        },
      );
      await h.client.create(
        DNSRECORDS,
        "default",
        dnsRecord("new-rec", "shared.test", [{ path: "/q", address: LOOPBACK, port: echos[0]!.port }]),
      );
      const c = await h.condition("new-rec", (x) => x.reason === "Conflict", "Conflict");
      assert.match(c.message ?? "", /Ingress default\/late is older and claims host shared\.test path \/q/);
    });

    test("a tls entry serves the host over HTTPS with its Secret; plain HTTP keeps serving", async () => {
      const issued = await ca.issue(["secure.test"]);
      await h.client.create(SECRETS, "default", tlsSecret("secure-tls", issued.cert, issued.key));
      await h.client.create(
        INGRESSES,
        "default",
        ingress("secure", {
          tls: [{ hosts: ["secure.test"], secretName: "secure-tls" }],
          rules: [
            { host: "secure.test", http: { paths: [{ path: "/", pathType: "Prefix", backend: backend("web", 80) }] } },
          ],
        }),
      );
      const r = await waitFor(
        async () => {
          const got = await curl("https", "secure.test", h.tlsPort!, LOOPBACK, "/s", { cacert: ca.caPath });
          return got.status === 200 ? got : undefined;
        },
        { what: "HTTPS with the Ingress's certificate" },
      );
      assert.deepEqual([echoOf(r.body).name, echoOf(r.body).url], ["A", "/s"]);
      assert.equal((await plain("secure.test", "/s")).status, 200);
    });

    test("deleting the default class stops serving class-less Ingresses, and kdns does not create it again", async () => {
      await h.client.delete(CLASSES, undefined, "kdns");
      await waitFor(async () => (await plain("site.test", "/app")).status === 404, { what: "site no longer served" });
      await waitFor(async () => (await lbIp("site")) === undefined, { what: "site's status cleared" });
      await ensureDefaultIngressClass(h.client);
      await assert.rejects(
        h.client.get(CLASSES, undefined, "kdns"),
        (err: unknown) => (err as ClientError).code === 404,
      );
    });
  });
}
