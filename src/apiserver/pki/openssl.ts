/**
 * Running the `openssl` command-line tool. Node can parse X.509 certificates but cannot create
 * them, so certificate generation shells out to the system's OpenSSL (Debian's `openssl`).
 */
import { execFile } from "node:child_process";

/** Runs `openssl args…`; rejects with its stderr (or the install hint when it is missing). */
export function openssl(args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("openssl", args, { cwd, timeout: 30_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        return reject(
          new Error(
            "cannot generate TLS certificates: the openssl command is not installed (apt-get install -y openssl), or pass --tls-cert-file and --tls-private-key-file",
          ),
        );
      }
      reject(new Error(`openssl ${args[0] ?? ""} failed: ${String(stderr).trim() || err.message}`));
    });
  });
}
