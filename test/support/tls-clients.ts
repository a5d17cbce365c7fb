/**
 * Real TLS clients for gateway tests: `curl` over HTTPS with `--resolve` and a CA (the HTTP
 * version it used, the status, the body), `openssl s_client -servername` for the certificate a
 * server presents for a name (subject and serial, as `openssl x509` prints them), and Node's own
 * TLS client for polling that quickly. Traffic goes to loopback addresses only.
 */
import { execFile } from "node:child_process";
import { connect } from "node:tls";
import { OPENSSL_INSTALL, runOpenssl } from "./test-pki.ts";

/** What one curl run got. */
export interface CurlResult {
  /** curl's exit code (0: a response; 60: the certificate did not verify; 35: the handshake failed). */
  exit: number;
  status: number;
  /** `1.1` or `2`. */
  version: string;
  body: string;
  /** The response head as curl printed it (`-D -` style, with `include`). */
  headers: string;
}

/** Options of {@link curl}. */
export interface CurlOptions {
  /** CA file to verify the server with; without it the certificate is not verified (`-k`). */
  cacert?: string;
  /** `--http2` (the default over https: ALPN offers h2 then http/1.1) or `--http1.1`. */
  http?: "1.1" | "2";
  method?: string;
  data?: string;
  headers?: string[];
}

/**
 * `curl` to `scheme://host:port/path` with `--resolve host:port:address`, so SNI and Host are
 * `host` while the connection goes to `address`. Never follows redirects.
 */
export function curl(
  scheme: "http" | "https",
  host: string,
  port: number,
  address: string,
  path: string,
  options: CurlOptions = {},
): Promise<CurlResult> {
  const args = [
    "-s",
    "-S",
    "-i",
    "--noproxy",
    "*",
    "--max-time",
    "5",
    "--resolve",
    `${host}:${port}:${address}`,
    "-w",
    "\n%{http_version} %{http_code}",
    ...(options.cacert !== undefined ? ["--cacert", options.cacert] : scheme === "https" ? ["-k"] : []),
    ...(options.http === "1.1" ? ["--http1.1"] : options.http === "2" ? ["--http2"] : []),
    ...(options.method !== undefined ? ["-X", options.method] : []),
    ...(options.data !== undefined ? ["--data-binary", "@-"] : []),
    ...(options.headers ?? []).flatMap((h) => ["-H", h]),
    `${scheme}://${host}:${port}${path}`,
  ];
  return new Promise((resolve, reject) => {
    const child = execFile("curl", args, { timeout: 10_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (err as NodeJS.ErrnoException).code : 0;
      if (code === "ENOENT")
        return reject(
          new Error("this test needs curl: apt-get install -y curl (or: bash scripts/setup.sh --test-tools)"),
        );
      const exit = typeof code === "number" ? code : err ? 1 : 0;
      const out = String(stdout);
      const tail = out.lastIndexOf("\n");
      const [version = "", status = "0"] = out.slice(tail + 1).split(" ");
      // Interim (1xx) heads come first; the final head ends at the first blank line after them.
      let response = out.slice(0, tail);
      let split = response.indexOf("\r\n\r\n");
      while (split >= 0 && /^HTTP\/[\d.]+ 1\d\d/.test(response)) {
        response = response.slice(split + 4);
        split = response.indexOf("\r\n\r\n");
      }
      resolve({
        exit,
        status: Number(status),
        version,
        headers: split < 0 ? response : response.slice(0, split),
        body: split < 0 ? String(stderr) : response.slice(split + 4),
      });
    });
    child.stdin?.end(options.data);
  });
}

/** The certificate a server presents for a name. */
export interface PresentedCertificate {
  /** As `openssl x509 -subject` prints it without the prefix: `CN = a.test`. */
  subject: string;
  /** Upper-case hex, as `openssl x509 -serial` prints it. */
  serial: string;
}

/** `openssl s_client -connect address:port -servername name`, then the certificate's subject and serial. */
export async function presentedCertificate(
  address: string,
  port: number,
  servername: string,
): Promise<PresentedCertificate> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      "openssl",
      ["s_client", "-connect", `${address}:${port}`, "-servername", servername, "-alpn", "http/1.1"],
      { timeout: 10_000 },
      (err, stdout, stderr) => {
        if ((err as NodeJS.ErrnoException | null)?.code === "ENOENT")
          return reject(new Error(`this test needs the openssl command: ${OPENSSL_INSTALL}`));
        const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(String(stdout))?.[0];
        if (!pem) return reject(new Error(`openssl s_client got no certificate: ${String(stderr).trim()}`));
        resolve(pem);
      },
    );
    child.stdin?.end();
  });
  const text = await runOpenssl(["x509", "-noout", "-subject", "-serial"], "/", out);
  const subject = /^subject=\s*(.*)$/m.exec(text)?.[1] ?? "";
  const serial = /^serial=(.*)$/m.exec(text)?.[1] ?? "";
  return { subject: subject.trim(), serial: serial.trim() };
}

/** The serial of the certificate a server presents for `servername`, by Node's TLS client (fast, for polling). */
export function presentedSerial(address: string, port: number, servername: string, ca?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: address,
      port,
      servername,
      ALPNProtocols: ["http/1.1"],
      rejectUnauthorized: ca !== undefined,
      ...(ca !== undefined ? { ca } : {}),
    });
    socket.setTimeout(5_000, () => socket.destroy(new Error(`TLS handshake with ${address}:${port} timed out`)));
    socket.once("secureConnect", () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.destroy();
      resolve(serial);
    });
    socket.once("error", reject);
  });
}
