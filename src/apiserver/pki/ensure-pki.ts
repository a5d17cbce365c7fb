/**
 * A self-signed CA and an API server serving certificate in `<data-dir>/pki/`, made once and reused
 * while still good — the kubeadm layout (`ca.crt`, `apiserver.crt`, `apiserver.key`). Keeping the CA
 * key lets a later start with another listen address reissue only the serving certificate, so
 * kubeconfigs that carry `ca.crt` stay valid.
 */
import { createPrivateKey, randomBytes, X509Certificate } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { openssl } from "../../machinery/openssl.ts";
import { type Sans, sanExtension } from "./sans.ts";

/** The files of the PKI directory, and their PEM contents. */
export interface Pki {
  caPath: string;
  certPath: string;
  keyPath: string;
  /** PEM of the CA certificate (what clients trust). */
  ca: string;
  /** PEM of the serving certificate and its key. */
  cert: string;
  key: string;
  /** What this call had to create: nothing, the serving certificate, or both. */
  created: "none" | "serving" | "ca+serving";
}

/** Options of {@link ensurePki}. */
export interface EnsurePkiOptions {
  /** Reissue anything that expires within this time (default 30 days). */
  renewBeforeMs?: number;
  /** The clock (tests). */
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const CA_DAYS = 3650;
const SERVING_DAYS = 365;

// Our own config, so the machine's openssl.cnf defaults do not leak extensions in.
function opensslConfig(sans: Sans): string {
  return `[req]
distinguished_name = dn
prompt = no
[dn]
CN = kdns
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_serving]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
subjectAltName = ${sanExtension(sans)}
`;
}

/** What `kdns up` can be given instead of generated certificates. */
const OTHERWISE = "pass --tls-cert-file and --tls-private-key-file";

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

async function readPem(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function validUntil(cert: X509Certificate, notAfter: Date): boolean {
  return new Date(cert.validFrom) <= notAfter && new Date(cert.validTo) > notAfter;
}

function goodCa(certPem: string | undefined, keyPem: string | undefined, notAfter: Date): X509Certificate | undefined {
  if (certPem === undefined || keyPem === undefined) return undefined;
  try {
    const cert = new X509Certificate(certPem);
    return cert.ca && validUntil(cert, notAfter) && cert.checkPrivateKey(createPrivateKey(keyPem)) ? cert : undefined;
  } catch {
    return undefined;
  }
}

function goodServing(
  certPem: string | undefined,
  keyPem: string | undefined,
  ca: X509Certificate,
  sans: Sans,
  notAfter: Date,
): boolean {
  if (certPem === undefined || keyPem === undefined) return false;
  try {
    const cert = new X509Certificate(certPem);
    return (
      validUntil(cert, notAfter) &&
      cert.verify(ca.publicKey) &&
      cert.checkPrivateKey(createPrivateKey(keyPem)) &&
      sans.ips.every((ip) => cert.checkIP(ip) !== undefined) &&
      sans.dns.every((d) => cert.checkHost(d) !== undefined)
    );
  } catch {
    return false;
  }
}

/**
 * Makes sure `dir` holds a CA and a serving certificate for `sans` that are valid for a while yet;
 * creates what is missing, expired, mismatched or not covering every name. Keys are mode 0600.
 */
export async function ensurePki(pkiDir: string, sans: Sans, options: EnsurePkiOptions = {}): Promise<Pki> {
  // Absolute, since openssl runs in a scratch directory.
  const dir = resolve(pkiDir);
  const now = options.now?.() ?? new Date();
  const notAfter = new Date(now.getTime() + (options.renewBeforeMs ?? 30 * DAY_MS));
  const caPath = join(dir, "ca.crt");
  const caKeyPath = join(dir, "ca.key");
  const certPath = join(dir, "apiserver.crt");
  const keyPath = join(dir, "apiserver.key");
  await mkdir(dir, { recursive: true, mode: 0o700 });

  let ca = goodCa(await readPem(caPath), await readPem(caKeyPath), notAfter);
  let created: Pki["created"] = "none";
  const servingOk =
    ca !== undefined && goodServing(await readPem(certPath), await readPem(keyPath), ca, sans, notAfter);
  if (!servingOk) {
    // Build in a scratch dir and rename into place, so a failed run never leaves a half set.
    const work = await mkdtemp(join(dir, ".new-"));
    try {
      await writeFile(join(work, "openssl.cnf"), opensslConfig(sans));
      if (ca === undefined) {
        await openssl(
          [
            "req",
            "-x509",
            "-config",
            "openssl.cnf",
            "-extensions",
            "v3_ca",
            ...EC,
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            String(CA_DAYS),
            "-subj",
            "/CN=kdns-ca",
          ],
          { cwd: work, otherwise: OTHERWISE },
        );
        await chmod(join(work, "ca.key"), 0o600);
        await rename(join(work, "ca.key"), caKeyPath);
        await rename(join(work, "ca.crt"), caPath);
        ca = new X509Certificate(await readFile(caPath, "utf8"));
        created = "ca+serving";
      } else {
        created = "serving";
      }
      await openssl(
        [
          "req",
          "-new",
          "-config",
          "openssl.cnf",
          ...EC,
          "-keyout",
          "apiserver.key",
          "-out",
          "apiserver.csr",
          "-subj",
          "/CN=kdns-apiserver",
        ],
        { cwd: work, otherwise: OTHERWISE },
      );
      // A positive random serial (RFC 5280 §4.1.2.2: unique per CA, at most 20 octets).
      const serial = `0x${((randomBytes(16)[0]! & 0x7f) | 0x10).toString(16)}${randomBytes(15).toString("hex")}`;
      await openssl(
        [
          "x509",
          "-req",
          "-in",
          "apiserver.csr",
          "-CA",
          caPath,
          "-CAkey",
          caKeyPath,
          "-set_serial",
          serial,
          "-days",
          String(SERVING_DAYS),
          "-extfile",
          "openssl.cnf",
          "-extensions",
          "v3_serving",
          "-out",
          "apiserver.crt",
        ],
        { cwd: work, otherwise: OTHERWISE },
      );
      await chmod(join(work, "apiserver.key"), 0o600);
      await rename(join(work, "apiserver.key"), keyPath);
      await rename(join(work, "apiserver.crt"), certPath);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  await chmod(caKeyPath, 0o600);
  await chmod(keyPath, 0o600);
  const [caPem, cert, key] = await Promise.all([
    readFile(caPath, "utf8"),
    readFile(certPath, "utf8"),
    readFile(keyPath, "utf8"),
  ]);
  return { caPath, certPath, keyPath, ca: caPem, cert, key, created };
}
