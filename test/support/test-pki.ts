/**
 * A throwaway certificate authority for TLS tests, made with the `openssl` command as a user
 * would make one: a CA, then leaf certificates for given DNS names with chosen serials, each
 * signed by the CA (or self-signed), plus the Secret that carries one.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Secret } from "../../src/api/types.ts";

/** The install command a test that needs openssl names. */
export const OPENSSL_INSTALL = "apt-get install -y openssl (or: bash scripts/setup.sh --test-tools)";

/** Runs `openssl args…` in `cwd`; a missing command fails with the install command. */
export function runOpenssl(args: string[], cwd: string, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("openssl", args, { cwd, timeout: 30_000 }, (err, stdout, stderr) => {
      if (!err) return resolve(String(stdout));
      if ((err as NodeJS.ErrnoException).code === "ENOENT")
        return reject(new Error(`this test needs the openssl command: ${OPENSSL_INSTALL}`));
      reject(new Error(`openssl ${args.join(" ")}: ${String(stderr).trim() || err.message}`));
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** One issued certificate. */
export interface Issued {
  /** PEM certificate (the leaf only). */
  cert: string;
  /** PEM private key (PKCS#8, unencrypted). */
  key: string;
  /** Serial number in upper-case hex, as Node's X509Certificate and `openssl x509 -serial` print it. */
  serial: string;
}

/** What {@link TestCa.issue} makes. */
export interface IssueOptions {
  /** Serial number in hex (default: random). */
  serial?: string;
  /** Subject common name (default: the first DNS name). */
  cn?: string;
  /** Self-signed instead of signed by the CA. */
  selfSigned?: boolean;
}

/** A CA in a temporary directory. */
export interface TestCa {
  /** Path of the CA certificate (what `curl --cacert` takes). */
  caPath: string;
  caPem: string;
  /** A P-256 certificate for `dnsNames` (subjectAltName DNS entries). */
  issue(dnsNames: string[], options?: IssueOptions): Promise<Issued>;
  /** Removes the directory. */
  close(): Promise<void>;
}

// Our own config, so the machine's openssl.cnf does not add extensions.
const CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = kdns test CA
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
`;

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function randomSerial(): string {
  let hex = "";
  for (let i = 0; i < 16; i++)
    hex += Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, "0");
  return `4${hex.slice(1)}`; // positive, 16 bytes
}

/** Makes a CA in a new temporary directory. */
export async function startTestCa(): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), "kdns-test-ca-"));
  try {
    await writeFile(join(dir, "openssl.cnf"), CONFIG);
    await runOpenssl(
      [
        "req",
        "-x509",
        "-config",
        "openssl.cnf",
        "-extensions",
        "ca",
        ...EC,
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "30",
      ],
      dir,
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const caPath = join(dir, "ca.crt");
  const caPem = await readFile(caPath, "utf8");
  let n = 0;
  return {
    caPath,
    caPem,
    async issue(dnsNames, options = {}) {
      const name = `leaf-${++n}`;
      const serial = (options.serial ?? randomSerial()).toUpperCase();
      const ext = [
        "basicConstraints=critical,CA:FALSE",
        "keyUsage=critical,digitalSignature",
        "extendedKeyUsage=serverAuth",
        ...(dnsNames.length > 0 ? [`subjectAltName=${dnsNames.map((d) => `DNS:${d}`).join(",")}`] : []),
      ];
      await writeFile(join(dir, `${name}.ext`), `${ext.join("\n")}\n`);
      const subject = `/CN=${options.cn ?? dnsNames[0] ?? "no name"}`;
      await runOpenssl(
        [
          "req",
          "-new",
          "-config",
          "/dev/null",
          ...EC,
          "-keyout",
          `${name}.key`,
          "-out",
          `${name}.csr`,
          "-subj",
          subject,
        ],
        dir,
      );
      const sign = options.selfSigned ? ["-signkey", `${name}.key`] : ["-CA", "ca.crt", "-CAkey", "ca.key"];
      await runOpenssl(
        [
          "x509",
          "-req",
          "-in",
          `${name}.csr`,
          ...sign,
          "-set_serial",
          `0x${serial}`,
          "-days",
          "30",
          "-extfile",
          `${name}.ext`,
          "-out",
          `${name}.crt`,
        ],
        dir,
      );
      return {
        cert: await readFile(join(dir, `${name}.crt`), "utf8"),
        key: await readFile(join(dir, `${name}.key`), "utf8"),
        serial,
      };
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A Secret in `namespace` holding `cert` and `key` (as `kubectl create secret tls` makes it). */
export function tlsSecret(
  name: string,
  cert: string,
  key: string,
  options: { namespace?: string; type?: string } = {},
): Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: options.namespace ?? "default" },
    type: options.type ?? "kubernetes.io/tls",
    data: {
      "tls.crt": Buffer.from(cert).toString("base64"),
      "tls.key": Buffer.from(key).toString("base64"),
    },
  };
}
