/** Finding the nginx binary (Debian puts it in /usr/sbin, often not on a user's PATH). */
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";

/** How to get nginx when it is missing. */
export const NGINX_INSTALL_HINT = "apt-get install -y nginx-light";

/** The path of an executable `nginx`, or throws an error that says how to install it. */
export async function findNginx(): Promise<string> {
  const dirs = ["/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin", ...(process.env.PATH ?? "").split(delimiter).filter((d) => d !== "")];
  for (const dir of dirs) {
    const file = join(dir, "nginx");
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // try the next directory
    }
  }
  throw new Error(`nginx is not installed (looked in ${dirs.slice(0, 3).join(", ")} and PATH); install it with: ${NGINX_INSTALL_HINT}`);
}
