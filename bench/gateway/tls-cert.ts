/**
 * The certificate every HTTPS measurement uses: self-signed P-256 for `localhost`, the name wrk
 * sends as SNI (it takes it from the URL, and localhost resolves to loopback without a hosts
 * entry of our own). The hand-written nginx loads the files; kdns gets the same pair as a Secret.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeSelfSigned } from "../../src/gateway/tls/self-signed.ts";

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
  const { cert, key } = await makeSelfSigned({
    subject: `/CN=${TLS_HOST}`,
    days: 30,
    extensions: [`subjectAltName=DNS:${TLS_HOST}`],
  });
  const certPath = join(dir, "bench.crt");
  const keyPath = join(dir, "bench.key");
  await writeFile(certPath, cert);
  await writeFile(keyPath, key, { mode: 0o600 });
  return { certPath, keyPath, cert, key };
}
