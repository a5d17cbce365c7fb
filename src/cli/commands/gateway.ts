/** `kdns gateway --server URL`: the path gateway alone, against a running API server. */
import { Command } from "commander";
import { addClientFlags, type ClientFlags, clientOf } from "../client-flags.ts";
import { action } from "../errors.ts";
import { flag, parseHostPort, parseIp } from "../flags.ts";
import { addGatewayEngineFlags, gatewayEngineConfig, startGatewayPart } from "../parts/gateway.ts";
import { runParts } from "../stack.ts";

type GatewayFlags = ClientFlags & Record<string, string | undefined>;

/** The `gateway` command. */
export function gatewayCommand(): Command {
  const cmd = new Command("gateway").description(
    "run the path gateway (built-in proxy or managed nginx) for DNSRecords against an API server",
  );
  addClientFlags(cmd);
  cmd
    .addOption(flag("--gateway <kind>", "gateway engine", { default: "builtin", choices: ["builtin", "nginx"] }))
    .addOption(
      flag("--gateway-listen <host:port>", "gateway listen address", {
        default: "127.0.0.1:8080",
        parse: parseHostPort,
      }),
    )
    .addOption(
      flag("--gateway-address <ip>", "IP that DNSRecord hosts resolve to (default: the --gateway-listen host)", {
        parse: parseIp,
      }),
    )
    .addOption(
      flag("--data-dir <dir>", "where the nginx engine keeps its runtime files (<dir>/nginx)", { default: "./.kdns" }),
    );
  addGatewayEngineFlags(cmd);
  return cmd.action(
    action(async (flags: GatewayFlags) => {
      const client = clientOf(flags);
      const config = {
        gateway: (flags["gateway"] ?? "builtin") as "builtin" | "nginx",
        gatewayListen: parseHostPort(flags["gatewayListen"] ?? "127.0.0.1:8080"),
        dataDir: flags["dataDir"] ?? "./.kdns",
        ...(flags["gatewayAddress"] ? { gatewayAddress: flags["gatewayAddress"] } : {}),
        ...gatewayEngineConfig(flags),
      };
      await runParts(async (stack) => {
        await startGatewayPart(config, client, stack, (line) => process.stdout.write(`${line}\n`));
      });
    }),
  );
}
