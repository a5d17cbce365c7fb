/**
 * Hosts rendered alike share one server block, so a reload's cost grows with the shapes of the
 * table, not with its hosts: nginx builds every module's configuration for each server block and
 * location again at each reload (a thousand one-route hosts cost its master most of a second of
 * CPU per reload), while a thousand names of one block are one hash.
 *
 * A host's rendering (host-locations.ts) writes what hosts of one shape may differ in, its
 * upstreams and its routes' records, as placeholders ({@link hostParam}). Hosts whose renderings
 * are equal but for those and for comments form a group, with their TLS treatment (certificate,
 * redirect) equal too. A group of one is written back as rendered; in a larger group a parameter
 * with one value is written as that value, and one that differs becomes a `map $host` (with
 * `hostnames`, so `*.suffix` names match as in server_name) from each name to its value.
 */
import type { HostRoutes } from "../routes/model.ts";
import { quote } from "./quote.ts";

/** One host as rendered, with its parameters' values (see {@link hostParam}). */
export interface RenderedHost {
  host: HostRoutes;
  lines: string[];
  params: string[];
}

/** Hosts served by one server block. */
export interface SharedServer {
  /** The hosts' names, the first one what `$server_name` is in the block. */
  names: string[];
  /** The first host (its TLS treatment is every one's). */
  host: HostRoutes;
  /** The block's locations. */
  lines: string[];
  /** Whether the block serves more than one host. */
  shared: boolean;
}

/** The hosts and http-level maps of a table's server blocks. */
export interface SharedServers {
  servers: SharedServer[];
  /** The `map` blocks the shared servers read. */
  maps: string[];
}

const PLACEHOLDER = /\u0001(\d+)\u0001/g;
const COMMENT = /^\s*#/;

/**
 * Names a `map` would take as one of its own parameters, or as a regex: such a host gets a
 * server block of its own.
 */
function mapSafe(host: string): boolean {
  return !/^(default|hostnames|include|volatile)$/.test(host) && !/^[~\\]/.test(host);
}

/** `lines` with each placeholder replaced by `value(index)`. */
function fill(lines: readonly string[], value: (index: number) => string): string[] {
  return lines.map((l) => (l.includes("\u0001") ? l.replace(PLACEHOLDER, (_, i: string) => value(Number(i))) : l));
}

/** `rendered` written back with its own values. */
export function ownServer(rendered: RenderedHost): string[] {
  return fill(rendered.lines, (i) => rendered.params[i]!);
}

/**
 * Groups `hosts` (in table order; a group is placed where its first host was) by their shape and
 * `tlsKey`, the TLS treatment each host's server blocks get.
 */
export function shareServers(hosts: readonly RenderedHost[], tlsKey: (host: HostRoutes) => string): SharedServers {
  const groups = new Map<string, RenderedHost[]>();
  hosts.forEach((h, i) => {
    const key = mapSafe(h.host.host)
      ? `${tlsKey(h.host)}\n${h.lines.filter((l) => !COMMENT.test(l)).join("\n")}`
      : `own ${i}`;
    const group = groups.get(key);
    if (group) group.push(h);
    else groups.set(key, [h]);
  });
  const servers: SharedServer[] = [];
  const maps: string[] = [];
  let id = 0;
  for (const group of groups.values()) {
    const first = group[0]!;
    if (group.length === 1) {
      servers.push({ names: [first.host.host], host: first.host, lines: ownServer(first), shared: false });
      continue;
    }
    const g = id++;
    const lines = fill(
      first.lines.filter((l) => !COMMENT.test(l)),
      (k) => {
        const value = first.params[k]!;
        if (group.every((h) => h.params[k] === value)) return value;
        const name = `$kdns_s${g}_${k}`;
        maps.push(
          `    map $host ${name} {`,
          "        hostnames;",
          `        default ${value};`,
          ...group.map((h) => `        ${quote("host", h.host.host)} ${h.params[k]};`),
          "    }",
        );
        return name;
      },
    );
    servers.push({ names: group.map((h) => h.host.host), host: first.host, lines, shared: true });
  }
  return { servers, maps };
}
