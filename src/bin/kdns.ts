#!/usr/bin/env node
/**
 * The `kdns` entry point: builds the command tree and dispatches; the commands do the work.
 * Only the command being run is loaded, so `kdns dns` does not carry the storage backends, the
 * API server or the gateway in its memory.
 */
import { Command } from "commander";
import { clientVersion } from "../cli/version-info.ts";

type Loader = () => Promise<Command>;

// `kdns get … | head`: a reader that stops early is not an error (exit quietly, as Unix tools do).
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
}

const commands: Record<string, Loader> = {
  up: async () => (await import("../cli/commands/up.ts")).upCommand(),
  apiserver: async () => (await import("../cli/commands/apiserver.ts")).apiserverCommand(),
  controllers: async () => (await import("../cli/commands/controllers.ts")).controllersCommand(),
  dns: async () => (await import("../cli/commands/dns.ts")).dnsCommand(),
  gateway: async () => (await import("../cli/commands/gateway.ts")).gatewayCommand(),
  apply: async () => (await import("../cli/commands/apply.ts")).applyCommand(),
  get: async () => (await import("../cli/commands/get.ts")).getCommand(),
  delete: async () => (await import("../cli/commands/delete.ts")).deleteCommand(),
  describe: async () => (await import("../cli/commands/describe.ts")).describeCommand(),
  explain: async () => (await import("../cli/commands/explain.ts")).explainCommand(),
  kubeconfig: async () => (await import("../cli/commands/kubeconfig.ts")).kubeconfigCommand(),
  "resolv-conf": async () => (await import("../cli/commands/resolv-conf.ts")).resolvConfCommand(),
  version: async () => (await import("../cli/commands/version.ts")).versionCommand(),
};

const program = new Command("kdns")
  .description("Kubernetes-style cluster DNS and service-discovery control plane")
  .version(clientVersion(), "--version", "print the client version")
  .showSuggestionAfterError(false);

// The named command alone when it is known; every command for help and for unknown names.
const asked = process.argv[2];
const load = asked !== undefined && Object.hasOwn(commands, asked) ? [asked] : Object.keys(commands);
for (const name of load) program.addCommand(await commands[name]!());

// One error line, no "Did you mean" second line (CLI errors are one line on stderr).
for (const cmd of program.commands) cmd.showSuggestionAfterError(false);

await program.parseAsync(process.argv);
