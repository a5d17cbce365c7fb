/**
 * A self-signed P-256 certificate and its key, made by openssl and printed to stdout (the key
 * never touches the disk here). kdns's default certificate and bench:gateway's both come from it.
 */
import { openssl } from "../../machinery/openssl.ts";

const PEM_KEY = /-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/;

/** What to put in the certificate. */
export interface SelfSignedRequest {
  /** openssl's `-subj` form, `/O=…/CN=…`. */
  subject: string;
  days: number;
  /** `-addext` values, e.g. `subjectAltName=DNS:localhost`. */
  extensions: string[];
  /** What to do instead, said when openssl is missing. */
  otherwise?: string;
}

/** Makes the certificate; resolves with both as PEM. */
export async function makeSelfSigned(request: SelfSignedRequest): Promise<{ cert: string; key: string }> {
  const out = await openssl(
    [
      "req",
      "-x509",
      // No machine openssl.cnf: its defaults would add CA extensions.
      "-config",
      "/dev/null",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      "-",
      "-out",
      "-",
      "-subj",
      request.subject,
      "-days",
      String(request.days),
      ...request.extensions.flatMap((e) => ["-addext", e]),
    ],
    request.otherwise !== undefined ? { otherwise: request.otherwise } : {},
  );
  return { cert: PEM_CERTIFICATE.exec(out)?.[0] ?? "", key: PEM_KEY.exec(out)?.[0] ?? "" };
}
