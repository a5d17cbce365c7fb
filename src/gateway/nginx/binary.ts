/** Finding the nginx binary (Debian puts it in /usr/sbin, often not on a user's PATH) and its version. */
import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";

/** How to get nginx when it is missing. */
export const NGINX_INSTALL_HINT = "apt-get install -y nginx-light";

/**
 * The path of an executable `nginx`: `explicit` when given (a user's own build), else the first
 * found in the usual places. Throws an error that says what is wrong and how to install it.
 */
export async function findNginx(explicit?: string): Promise<string> {
  if (explicit !== undefined) {
    try {
      await access(explicit, constants.X_OK);
      return explicit;
    } catch {
      throw new Error(`nginx binary ${explicit} is not an executable file`);
    }
  }
  const dirs = [
    "/usr/sbin",
    "/usr/local/sbin",
    "/usr/local/nginx/sbin",
    ...(process.env.PATH ?? "").split(delimiter).filter((d) => d !== ""),
  ];
  for (const dir of dirs) {
    const file = join(dir, "nginx");
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // try the next directory
    }
  }
  throw new Error(
    `nginx is not installed (looked in ${dirs.slice(0, 3).join(", ")} and PATH); install it with: ${NGINX_INSTALL_HINT}`,
  );
}

/** A version as [major, minor, patch]. */
export type NginxVersion = [number, number, number];

/** The version in `nginx -v` output ("nginx version: nginx/1.22.1"), if there is one. */
export function parseNginxVersion(text: string): NginxVersion | undefined {
  const m = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** The version of the nginx at `binary` (it prints it on stderr), or undefined when unreadable. */
export function nginxVersion(binary: string): Promise<NginxVersion | undefined> {
  return new Promise((resolve) => {
    execFile(binary, ["-v"], { timeout: 5000 }, (_err, stdout, stderr) =>
      resolve(parseNginxVersion(`${stderr}${stdout}`)),
    );
  });
}

/** Whether `version` is at least `min`. */
export function atLeast(version: NginxVersion | undefined, min: NginxVersion): boolean {
  if (!version) return false;
  for (let i = 0; i < 3; i++) if (version[i] !== min[i]) return version[i]! > min[i]!;
  return true;
}

/**
 * Whether nginx `version` has `keepalive_min_timeout` (1.27.4 and later), which keeps a reload's
 * retiring workers from closing idle keep-alive connections at once (see RenderOptions).
 */
export function hasKeepaliveMinTimeout(version: NginxVersion | undefined): boolean {
  return atLeast(version, [1, 27, 4]);
}

/**
 * Whether nginx `version` has the `http2` directive (1.25.1 and later), which replaced the
 * `http2` parameter of `listen` (deprecated there, with a warning at every start).
 */
export function hasHttp2Directive(version: NginxVersion | undefined): boolean {
  return atLeast(version, [1, 25, 1]);
}
