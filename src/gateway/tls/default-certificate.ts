/**
 * The certificate the TLS listener presents for a name no DNSRecord has a certificate for (or
 * when the client sends no SNI), as ingress-nginx presents its "Fake Certificate": self-signed,
 * made at start, naming no host, so a client verifying it fails instead of trusting a wrong host.
 * The key never touches the disk here: openssl prints it to stdout.
 */
import { openssl } from "../../machinery/openssl.ts";
import { parseCertificatePair, type ServingCertificate } from "./certificate.ts";

/** The default certificate's subject. */
export const DEFAULT_CERTIFICATE_SUBJECT = "/O=kdns/CN=kdns gateway default certificate";

const PEM_KEY = /-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/;

/** Makes a new self-signed P-256 certificate for ten years. */
export async function makeDefaultCertificate(): Promise<ServingCertificate> {
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
      DEFAULT_CERTIFICATE_SUBJECT,
      "-days",
      "3650",
      "-addext",
      "basicConstraints=critical,CA:FALSE",
      "-addext",
      "keyUsage=critical,digitalSignature",
      "-addext",
      "extendedKeyUsage=serverAuth",
    ],
    { otherwise: "run the gateway with --gateway-tls-listen none" },
  );
  const key = PEM_KEY.exec(out)?.[0];
  const parsed = parseCertificatePair(out, key ?? "");
  if (parsed.type === "invalid") throw new Error(`the default certificate openssl made is unusable: ${parsed.reason}`);
  return parsed;
}
