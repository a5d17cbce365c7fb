/**
 * The certificate the TLS listener presents for a name no DNSRecord has a certificate for (or
 * when the client sends no SNI), as ingress-nginx presents its "Fake Certificate": self-signed,
 * made at start, naming no host, so a client verifying it fails instead of trusting a wrong host.
 */
import { parseCertificatePair, type ServingCertificate } from "./certificate.ts";
import { makeSelfSigned } from "./self-signed.ts";

/** The default certificate's subject. */
export const DEFAULT_CERTIFICATE_SUBJECT = "/O=kdns/CN=kdns gateway default certificate";

/** Makes a new self-signed P-256 certificate for ten years. */
export async function makeDefaultCertificate(): Promise<ServingCertificate> {
  const { cert, key } = await makeSelfSigned({
    subject: DEFAULT_CERTIFICATE_SUBJECT,
    days: 3650,
    extensions: [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
    ],
    otherwise: "run the gateway with --gateway-tls-listen none",
  });
  const parsed = parseCertificatePair(cert, key);
  if (parsed.type === "invalid") throw new Error(`the default certificate openssl made is unusable: ${parsed.reason}`);
  return parsed;
}
