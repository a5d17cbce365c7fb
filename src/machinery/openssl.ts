/**
 * Running the `openssl` command-line tool. Node can parse X.509 certificates but cannot create
 * them, so whatever makes a certificate (the API server's PKI, the gateway's default certificate)
 * shells out to the system's OpenSSL (Debian's `openssl`).
 */
import { execFile } from "node:child_process";

/** Options of {@link openssl}. */
export interface OpensslOptions {
  /** Working directory (default: the process's). */
  cwd?: string;
  /** What the caller can do instead, said after the install hint when the command is missing. */
  otherwise?: string;
}

/**
 * Runs `openssl args…` and resolves with its stdout; rejects with its stderr, or with the install
 * hint when the command is missing. Callers that have it print key material to stdout keep it in
 * memory: nothing here logs stdout.
 */
export function openssl(args: readonly string[], options: OpensslOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "openssl",
      args,
      { timeout: 30_000, ...(options.cwd !== undefined ? { cwd: options.cwd } : {}) },
      (err, stdout, stderr) => {
        if (!err) return resolve(String(stdout));
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
          const otherwise = options.otherwise !== undefined ? `, or ${options.otherwise}` : "";
          return reject(
            new Error(
              `cannot generate TLS certificates: the openssl command is not installed (apt-get install -y openssl)${otherwise}`,
            ),
          );
        }
        reject(new Error(`openssl ${args[0] ?? ""} failed: ${String(stderr).trim() || err.message}`));
      },
    );
  });
}
