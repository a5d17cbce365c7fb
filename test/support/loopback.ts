/**
 * Loopback addresses for tests that need an address of their own (a server on port 53, backends
 * on distinct hosts): Linux answers on all of 127.0.0.0/8, so a random one outside the ranges
 * people and tools use is one nobody else binds.
 */
import { randomInt } from "node:crypto";

/**
 * A random address in 127.2.0.0–127.254.255.255 (host part never 0 or 255), different from
 * every address in `besides`. 127.0.x.x (127.0.0.1, systemd-resolved's 127.0.0.53, Debian's
 * 127.0.1.1) and 127.1.x.x (the README's backends) are never picked.
 */
export function spareLoopbackAddress(besides: string[] = []): string {
  for (;;) {
    const address = `127.${randomInt(2, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    if (!besides.includes(address)) return address;
  }
}
