/**
 * `kdns explain dns NAME [TYPE] [--from POD_IP]` and `kdns explain route URL`: asks the API
 * server (`kdns up`) why a name resolves or a URL routes as it does; the answers come from the
 * running DNS server's and gateway's own state.
 */
import { Command, Option } from "commander";
import type { DnsExplainResult } from "../../dns/index.ts";
import type { RouteExplanation } from "../../gateway/index.ts";
import { addClientFlags, type ClientFlags, clientOf } from "../client-flags.ts";
import { action } from "../errors.ts";
import { parseIp } from "../flags.ts";
import { printDnsExplanation, printRouteExplanation } from "../printers/explain.ts";
import { printJson, printYaml } from "../printers/output.ts";

const OUTPUTS = ["text", "json", "yaml"] as const;

interface ExplainFlags extends ClientFlags {
  output: (typeof OUTPUTS)[number];
  from?: string;
}

function print<T>(value: T, output: ExplainFlags["output"], text: (v: T) => string): void {
  process.stdout.write(output === "json" ? printJson(value) : output === "yaml" ? printYaml(value) : text(value));
}

function outputOption(): Option {
  return new Option("-o, --output <format>", "output format").choices(OUTPUTS).default("text");
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
    .addOption(outputOption());
  addClientFlags(dns);
  dns.action(
    action(async (name: string, type: string | undefined, flags: ExplainFlags) => {
      const q = new URLSearchParams({ name });
      if (type) q.set("type", type);
      if (flags.from) q.set("from", flags.from);
      const result = await clientOf(flags).request<DnsExplainResult>("GET", `/kdns/explain/dns?${q}`);
      print(result, flags.output, printDnsExplanation);
    }),
  );
  const route = new Command("route")
    .description("what the gateway does with a request for URL and why (route, backends, path, certificate)")
    .argument("<url>", "an http:// or https:// URL")
    .addOption(outputOption());
  addClientFlags(route);
  route.action(
    action(async (url: string, flags: ExplainFlags) => {
      const result = await clientOf(flags).request<RouteExplanation>(
        "GET",
        `/kdns/explain/route?${new URLSearchParams({ url })}`,
      );
      print(result, flags.output, printRouteExplanation);
    }),
  );
  return new Command("explain")
    .description("explain a DNS answer or a gateway route from the running kdns's own state")
    .addCommand(dns)
    .addCommand(route);
}
