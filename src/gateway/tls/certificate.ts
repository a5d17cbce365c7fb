/**
 * A `kubernetes.io/tls` Secret read for serving: the certificate chain in `tls.crt` and the key in
 * `tls.key`, parsed once per Secret change and checked the way a TLS client would find out too
 * late — the key belongs to the leaf certificate, every certificate parses. What an engine gets is
 * the parsed form written back out (the chain as PEM certificates only, the key as a `KeyObject`),
 * so nginx and node:tls load exactly what was checked here. Reasons name the Secret's keys and
 * the certificate's public fields, never key material.
 */
import { createHash, createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { decodeBase64 } from "../../machinery/base64.ts";

/** The Secret type the gateway serves certificates from (Kubernetes' `SecretTypeTLS`). */
export const TLS_SECRET_TYPE = "kubernetes.io/tls";

/** The part of a Secret the gateway reads. */
export interface SecretLike {
  type?: string;
  data?: Record<string, string>;
}

/** A certificate and key ready to serve. */
export interface ServingCertificate {
  /** Names the pair by content (a hash of the chain), e.g. for file names. */
  id: string;
  /** The chain, leaf first, as PEM certificates and nothing else. */
  chain: string;
  /** The private key; its material leaves only through an explicit `export`. */
  key: KeyObject;
  /** The leaf certificate. */
  leaf: X509Certificate;
}

/** A Secret's certificate, or why it cannot be served. */
export type TlsMaterial = ({ type: "ok" } & ServingCertificate) | { type: "invalid"; reason: string };

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function invalid(reason: string): TlsMaterial {
  return { type: "invalid", reason };
}

/** The text of data key `key`, or why there is none. */
function dataText(secret: SecretLike, key: string): string | { reason: string } {
  const value = secret.data?.[key];
  if (value === undefined || value === "") return { reason: `${key} is missing or empty` };
  try {
    return decodeBase64(value).toString("latin1");
  } catch (err) {
    return { reason: `${key} is not base64: ${(err as Error).message}` };
  }
}

/** Parses and checks `secret` (see the file comment). */
export function parseTlsSecret(secret: SecretLike): TlsMaterial {
  if (secret.type !== TLS_SECRET_TYPE)
    return invalid(`type is ${JSON.stringify(secret.type ?? "")}, not ${TLS_SECRET_TYPE}`);
  const crt = dataText(secret, "tls.crt");
  if (typeof crt !== "string") return invalid(crt.reason);
  const keyText = dataText(secret, "tls.key");
  if (typeof keyText !== "string") return invalid(keyText.reason);
  return parseCertificatePair(crt, keyText);
}

/** Parses and checks a PEM chain (`tls.crt`) and a PEM key (`tls.key`); see the file comment. */
export function parseCertificatePair(crt: string, keyText: string): TlsMaterial {
  const blocks = crt.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return invalid("tls.crt holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  const chain: X509Certificate[] = [];
  for (const [i, block] of blocks.entries()) {
    try {
      chain.push(new X509Certificate(block));
    } catch (err) {
      return invalid(`tls.crt: certificate ${i + 1} of ${blocks.length} cannot be parsed: ${(err as Error).message}`);
    }
  }
  const leaf = chain[0]!;

  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(keyText))
    return invalid("tls.key is encrypted; the gateway needs it without a passphrase");
  if (!keyText.includes("-----BEGIN"))
    return invalid("tls.key holds no PEM private key (-----BEGIN …PRIVATE KEY-----)");
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: keyText, format: "pem" });
  } catch (err) {
    return invalid(`tls.key cannot be parsed as a private key: ${(err as Error).message}`);
  }
  let matches = false;
  try {
    matches = leaf.checkPrivateKey(key);
  } catch {
    matches = false; // a key of another algorithm than the certificate's
  }
  if (!matches) return invalid(`tls.key is not the key of the certificate in tls.crt (${describeLeaf(leaf)})`);

  const pem = `${chain.map((c) => c.toString().trim()).join("\n")}\n`;
  const id = createHash("sha256").update(pem).digest("hex").slice(0, 32);
  return { type: "ok", id, chain: pem, key, leaf };
}

/** The DNS names a certificate is for (its subjectAltName DNS entries). */
export function dnsNames(leaf: X509Certificate): string[] {
  const names: string[] = [];
  for (const entry of (leaf.subjectAltName ?? "").split(", ")) {
    if (entry.startsWith("DNS:")) names.push(entry.slice(4));
  }
  return names;
}

/** A certificate's public identity for messages: subject, DNS names, serial. */
export function describeLeaf(leaf: X509Certificate): string {
  const subject = leaf.subject.replace(/\n/g, ", ");
  const names = dnsNames(leaf);
  return `subject ${subject}, DNS names ${names.length > 0 ? names.join(" ") : "none"}, serial ${leaf.serialNumber}`;
}

/**
 * Why `leaf` does not cover `host`, or undefined when it does. Only subjectAltName DNS names
 * count, with a wildcard as the whole leftmost label only: the Common Name is not a host name
 * (RFC 6125 §6.4.4; browsers and Go's crypto/x509, which ingress-nginx checks with, ignore it).
 */
export function notCovering(leaf: X509Certificate, host: string): string | undefined {
  if (leaf.checkHost(host, { subject: "never", wildcards: true, partialWildcards: false }) !== undefined)
    return undefined;
  return `the certificate in tls.crt does not cover host ${host} (${describeLeaf(leaf)})`;
}
