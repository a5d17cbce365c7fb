/**
 * The certificate files of the nginx engine, in `<runtime dir>/certs/` (mode 0700): each
 * certificate chain and its key as `<id>.crt` and `<id>.key` (mode 0600), named by the chain's
 * content, so a rotated Secret is a new file name — a new rendering, hence `nginx -t` and a reload
 * — and a file once written never changes under a running nginx. The configuration names the
 * files; key material is only ever in the `.key` files. Files no configuration uses are removed.
 */
import { chmod, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ServingCertificate } from "../tls/certificate.ts";

/** The directory, relative to the runtime directory (nginx resolves it against `-p`). */
export const CERT_DIR = "certs";

/** The files of certificate `id`, relative to the runtime directory. */
export function certificatePaths(id: string): { crt: string; key: string } {
  return { crt: `${CERT_DIR}/${id}.crt`, key: `${CERT_DIR}/${id}.key` };
}

/** Creates the certificate directory. */
export async function prepareCertificateDir(dir: string): Promise<void> {
  await mkdir(join(dir, CERT_DIR), { recursive: true, mode: 0o700 });
  await chmod(join(dir, CERT_DIR), 0o700);
}

/** Writes the files of each certificate not written yet (`written` holds the ids already on disk). */
export async function writeCertificates(
  dir: string,
  certificates: Iterable<ServingCertificate>,
  written: Set<string>,
): Promise<void> {
  for (const c of certificates) {
    if (written.has(c.id)) continue;
    const paths = certificatePaths(c.id);
    // Written aside and renamed: nginx never reads a half-written file, and the mode is set at creation.
    for (const [path, text] of [
      [paths.key, c.key.export({ format: "pem", type: "pkcs8" }).toString()],
      [paths.crt, c.chain],
    ] as const) {
      const tmp = `${join(dir, path)}.tmp`;
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, join(dir, path));
    }
    written.add(c.id);
  }
}

/** Removes the files of every certificate but those in `keep`; returns the ids left on disk. */
export async function pruneCertificates(dir: string, keep: ReadonlySet<string>): Promise<Set<string>> {
  const left = new Set<string>();
  for (const file of await readdir(join(dir, CERT_DIR)).catch(() => [] as string[])) {
    const id = file.replace(/\.(crt|key)(\.tmp)?$/, "");
    if (keep.has(id) && !file.endsWith(".tmp")) left.add(id);
    else await rm(join(dir, CERT_DIR, file), { force: true });
  }
  return left;
}
