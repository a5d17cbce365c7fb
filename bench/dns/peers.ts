/**
 * The peers kdns is measured against, serving the same names from local data only: a bare Node
 * UDP echo server (the runtime's ceiling), dnsmasq (the cache kube-dns used) and unbound (one
 * thread). Neither peer can reach out: dnsmasq has no resolv.conf and forwards only to the
 * loopback upstream the benchmark started; unbound refuses everything outside its zone.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Child, startPinned } from "../support/proc.ts";

/** A name and the address it resolves to. */
export interface NameAddress {
  name: string;
  address: string;
}

/** Starts the Node echo server pinned to `cpu`; `literalLookup` sends replies the way kdns does. */
export function startEcho(cpu: number, port: number, node: string, script: string, literalLookup = false): Child {
  return startPinned(cpu, node, [script, String(port), ...(literalLookup ? ["--literal-lookup"] : [])]);
}

/** Starts dnsmasq (foreground) with host records for `names`. */
export async function startDnsmasq(
  cpu: number,
  port: number,
  dir: string,
  names: NameAddress[],
  upstreamPort: number,
): Promise<Child> {
  const conf = join(dir, "dnsmasq.conf");
  await writeFile(conf, `${names.map((n) => `host-record=${n.name},${n.address}`).join("\n")}\n`);
  return startPinned(cpu, "dnsmasq", [
    "--no-daemon",
    "--no-resolv",
    "--no-hosts",
    `--server=127.0.0.1#${upstreamPort}`,
    `--port=${port}`,
    "--listen-address=127.0.0.1",
    "--bind-interfaces",
    `--conf-file=${conf}`,
    "--pid-file=",
    "--cache-size=10000",
    "--user=root",
  ]);
}

/** Starts unbound with one thread, the names as local data, and every other name refused. */
export async function startUnbound(
  cpu: number,
  port: number,
  dir: string,
  names: NameAddress[],
  zone: string,
): Promise<Child> {
  const conf = join(dir, "unbound.conf");
  const lines = [
    "server:",
    `  interface: 127.0.0.1@${port}`,
    "  num-threads: 1",
    "  do-daemonize: no",
    '  chroot: ""',
    '  username: ""',
    '  pidfile: ""',
    `  directory: "${dir}"`,
    "  use-syslog: no",
    '  logfile: ""',
    "  verbosity: 0",
    "  access-control: 127.0.0.0/8 allow",
    '  local-zone: "." refuse',
    `  local-zone: "${zone}." static`,
    ...names.map((n) => `  local-data: "${n.name}. 5 IN A ${n.address}"`),
    "remote-control:",
    "  control-enable: no",
  ];
  await writeFile(conf, `${lines.join("\n")}\n`);
  return startPinned(cpu, "unbound", ["-d", "-c", conf]);
}
