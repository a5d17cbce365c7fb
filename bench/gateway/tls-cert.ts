/**
 * The certificate every HTTPS measurement uses: self-signed P-256 for `localhost`, the name wrk
 * sends as SNI (it takes it from the URL, and localhost resolves to loopback without a hosts
 * entry of our own). The hand-written nginx loads the files; kdns gets the same pair as a Secret.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { openssl } from "../../src/machinery/openssl.ts";

/** The name the certificate is for. */
export const TLS_HOST = "localhost";

/** The certificate's files and contents. */
export interface BenchCertificate {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

/** Makes the certificate in `dir`. */
export async function makeBenchCertificate(dir: string): Promise<BenchCertificate> {
  const certPath = join(dir, "bench.crt");
  const keyPath = join(dir, "bench.key");
  await openssl([
    "req",
    "-x509",
    "-config",
    "/dev/null",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    keyPath,
    "-out",
    certPath,
    "-subj",
    `/CN=${TLS_HOST}`,
    "-days",
    "30",
    "-addext",
    `subjectAltName=DNS:${TLS_HOST}`,
  ]);
  return { certPath, keyPath, cert: await readFile(certPath, "utf8"), key: await readFile(keyPath, "utf8") };
}
