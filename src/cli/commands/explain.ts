/**
 * `kdns explain dns NAME [TYPE] [--from POD_IP]` and `kdns explain route URL`: why a name resolves
 * or a URL routes as it does, read from the running DNS server's and gateway's own state. `kdns up`
 * serves both under its API server (the default: `--server`, with its token); `kdns dns` and
 * `kdns gateway` run alone serve their own on their `--health-listen`, which `--dns-server` and
 * `--gateway-server` name.
 */
import { Command, Option } from "commander";
import { ClientError, RestClient } from "../../client/rest-client.ts";
import type { DnsExplainResult } from "../../dns/index.ts";
import type { RouteExplanation } from "../../gateway/index.ts";
import { addClientFlags, type ClientFlags, clientOf } from "../client-flags.ts";
import { action, CliError } from "../errors.ts";
import { flag, parseIp, parseUrl } from "../flags.ts";
import { printDnsExplanation, printRouteExplanation } from "../printers/explain.ts";
import { printJson, printYaml } from "../printers/output.ts";

const OUTPUTS = ["text", "json", "yaml"] as const;

interface ExplainFlags extends ClientFlags {
  output: (typeof OUTPUTS)[number];
  from?: string;
  dnsServer?: string;
  gatewayServer?: string;
}

/** How each part is reached when the API server does not run it. */
const PARTS = {
  dns: { what: "DNS server", flag: "--dns-server", command: "kdns dns", health: "http://127.0.0.1:8181" },
  route: { what: "gateway", flag: "--gateway-server", command: "kdns gateway", health: "http://127.0.0.1:8383" },
} as const;

function print<T>(value: T, output: ExplainFlags["output"], text: (v: T) => string): void {
  process.stdout.write(output === "json" ? printJson(value) : output === "yaml" ? printYaml(value) : text(value));
}

function outputOption(): Option {
  return new Option("-o, --output <format>", "output format").choices(OUTPUTS).default("text");
}

/**
 * GETs `path` from the component at `direct` (no token: a health listener), else from the API
 * server; an API server that runs no such part is one line saying where to ask instead.
 */
async function ask<T>(part: keyof typeof PARTS, flags: ExplainFlags, direct: string | undefined, path: string) {
  if (direct !== undefined) return new RestClient({ server: direct }).request<T>("GET", path);
  try {
    return await clientOf(flags).request<T>("GET", path);
  } catch (err) {
    // `kdns apiserver` mounts no explain (404); `kdns up --gateway none` answers 503 for the part it lacks.
    const none =
      err instanceof ClientError &&
      ((err.code === 404 && /could not find the requested resource/.test(err.message)) ||
        (err.code === 503 && /runs no/.test(err.message)));
    if (!none) throw err;
    const p = PARTS[part];
    throw new CliError(
      `the API server at ${flags.server} runs no ${p.what} (only kdns up serves explain there): ask ${p.command} itself with ${p.flag} http://<its --health-listen> (default ${p.health})`,
    );
  }
}

function serverFlag(part: keyof typeof PARTS): Option {
  const p = PARTS[part];
  return flag(
    `${p.flag} <url>`,
    `ask ${p.command} run alone, at its --health-listen (e.g. ${p.health}), instead of the API server (default: the API server)`,
    { parse: parseUrl },
  );
}

/** The `explain` command. */
export function explainCommand(): Command {
  const dns = new Command("dns")
    .description("the answer kdns's DNS gives for NAME and why (plugin, objects, TTL, cache, upstream)")
    .argument("<name>", "a DNS name, or an IP address for its PTR")
    .argument("[type]", "record type (A, AAAA, SRV, PTR, TXT, CNAME…)")
    .addOption(
      new Option("--from <pod-ip>", "ask as the pod with this IP would: its search list, ndots:5").argParser(parseIp),
    )
    .addOption(serverFlag("dns"))
    .addOption(outputOption());
  addClientFlags(dns);
  dns.action(
    action(async (name: string, type: string | undefined, flags: ExplainFlags) => {
      const q = new URLSearchParams({ name });
      if (type) q.set("type", type);
      if (flags.from) q.set("from", flags.from);
      const result = await ask<DnsExplainResult>("dns", flags, flags.dnsServer, `/kdns/explain/dns?${q}`);
      print(result, flags.output, printDnsExplanation);
    }),
  );
  const route = new Command("route")
    .description("what the gateway does with a request for URL and why (route, backends, path, certificate)")
    .argument("<url>", "an http:// or https:// URL")
    .addOption(serverFlag("route"))
    .addOption(outputOption());
  addClientFlags(route);
  route.action(
    action(async (url: string, flags: ExplainFlags) => {
      const path = `/kdns/explain/route?${new URLSearchParams({ url })}`;
      const result = await ask<RouteExplanation>("route", flags, flags.gatewayServer, path);
      print(result, flags.output, printRouteExplanation);
    }),
  );
  return new Command("explain")
    .description("explain a DNS answer or a gateway route from the running kdns's own state")
    .addCommand(dns)
    .addCommand(route);
}
