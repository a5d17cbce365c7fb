#!/usr/bin/env node
/** The `kdns` entry point: builds the command tree and dispatches; the commands do the work. */
import { Command } from "commander";
import { applyCommand } from "../cli/commands/apply.ts";
import { apiserverCommand } from "../cli/commands/apiserver.ts";
import { controllersCommand } from "../cli/commands/controllers.ts";
import { deleteCommand } from "../cli/commands/delete.ts";
import { describeCommand } from "../cli/commands/describe.ts";
import { dnsCommand } from "../cli/commands/dns.ts";
import { gatewayCommand } from "../cli/commands/gateway.ts";
import { getCommand } from "../cli/commands/get.ts";
import { kubeconfigCommand } from "../cli/commands/kubeconfig.ts";
import { resolvConfCommand } from "../cli/commands/resolv-conf.ts";
import { upCommand } from "../cli/commands/up.ts";
import { clientVersion, versionCommand } from "../cli/commands/version.ts";

const program = new Command("kdns")
  .description("Kubernetes-style cluster DNS and service-discovery control plane")
  .version(clientVersion(), "--version", "print the client version")
  .showSuggestionAfterError(false)
  .addCommand(upCommand())
  .addCommand(apiserverCommand())
  .addCommand(controllersCommand())
  .addCommand(dnsCommand())
  .addCommand(gatewayCommand())
  .addCommand(applyCommand())
  .addCommand(getCommand())
  .addCommand(deleteCommand())
  .addCommand(describeCommand())
  .addCommand(kubeconfigCommand())
  .addCommand(resolvConfCommand())
  .addCommand(versionCommand());

// One error line, no "Did you mean" second line (CLI errors are one line on stderr).
for (const cmd of program.commands) cmd.showSuggestionAfterError(false);

await program.parseAsync(process.argv);
