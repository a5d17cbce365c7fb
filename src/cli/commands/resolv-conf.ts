/**
 * `kdns resolv-conf`: the resolv.conf a pod in a namespace should use, so a program on the system
 * resolver finds `web` and `web.other` as it would inside a cluster (kubelet writes the same
 * search list and ndots:5 for ClusterFirst pods).
 */
import { isIP } from "node:net";
import { Command, InvalidArgumentError } from "commander";
import { type HostPort, reachableAddress } from "../../machinery/host-port.ts";
import { isDNS1123Label } from "../../machinery/validate-names.ts";
import { action } from "../errors.ts";
import { flag, parseIp } from "../flags.ts";
import { clusterDomainFlag, dnsListenFlag } from "../options/dns.ts";

/** What goes into the file. */
export interface ResolvConfInput {
  namespace: string;
  /** The DNS server's address. */
  nameserver: string;
  /** The port it listens on; resolv.conf can only mean 53, so any other gets a warning comment. */
  port: number;
  /** The cluster domain, e.g. cluster.local. */
  zone: string;
}

/** The resolv.conf text (pure). */
export function renderResolvConf(input: ResolvConfInput): string {
  const { namespace, nameserver, port, zone } = input;
  const lines: string[] = [];
  if (port !== 53) {
    lines.push(
      `# kdns DNS listens on port ${port}, but resolv.conf cannot name a port: clients ask port 53 (run the DNS on ${nameserver}:53 for them to reach it)`,
    );
  }
  lines.push(`nameserver ${nameserver}`);
  lines.push(`search ${namespace}.svc.${zone} svc.${zone} ${zone}`);
  lines.push("options ndots:5");
  return `${lines.join("\n")}\n`;
}

function parseNamespace(value: string): string {
  const errs = isDNS1123Label(value);
  if (errs.length) throw new InvalidArgumentError(`namespace "${value}" is not valid: ${errs.join("; ")}`);
  return value;
}

interface ResolvConfFlags {
  namespace: string;
  dnsAddress?: string;
  dnsListen: HostPort;
  clusterDomain: string;
}

/** The `resolv-conf` command. */
export function resolvConfCommand(): Command {
  return new Command("resolv-conf")
    .description("print the resolv.conf a pod in the namespace should use (nameserver, search list, ndots:5)")
    .addOption(flag("-n, --namespace <ns>", "namespace of the pod", { default: "default", parse: parseNamespace }))
    .addOption(
      flag("--dns-address <ip>", "nameserver address to print, served on port 53 (default: the --dns-listen host)", {
        parse: parseIp,
      }),
    )
    .addOption(dnsListenFlag("--dns-listen"))
    .addOption(clusterDomainFlag())
    .action(
      action(async (flags: ResolvConfFlags) => {
        const listen = flags.dnsListen;
        const nameserver = flags.dnsAddress ?? reachableAddress(listen.host);
        if (isIP(nameserver) === 0)
          throw new InvalidArgumentError(
            `--dns-listen host must be an IP address for resolv.conf, got "${listen.host}"`,
          );
        // An explicit --dns-address is the address clients reach on port 53; only the listen port can disagree.
        const port = flags.dnsAddress ? 53 : listen.port;
        process.stdout.write(
          renderResolvConf({ namespace: flags.namespace, nameserver, port, zone: flags.clusterDomain }),
        );
      }),
    );
}
