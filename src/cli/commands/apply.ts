/** `kdns apply -f FILE|DIR|-`: create or update every object in the manifests. */
import { Command } from "commander";
import { applyObject } from "../apply-object.ts";
import { addClientFlags, type ClientFlags, clientOf } from "../client-flags.ts";
import { action, errorLine } from "../errors.ts";
import { flag } from "../flags.ts";
import { loadManifests } from "../manifest.ts";
import { qualifiedName } from "../printers/output.ts";
import { resolveObject } from "../resolve.ts";

interface ApplyFlags extends ClientFlags {
  filename: string[];
  namespace: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The `apply` command. */
export function applyCommand(): Command {
  const cmd = new Command("apply")
    .description("create or update objects from YAML/JSON manifests (files, directories, or - for stdin)")
    .requiredOption("-f, --filename <path>", "manifest file, directory or - (repeatable)", collect)
    .addOption(flag("-n, --namespace <ns>", "namespace for objects that name none", { default: "default" }));
  addClientFlags(cmd);
  return cmd.action(
    action(async (flags: ApplyFlags) => {
      const client = clientOf(flags);
      const manifests = await loadManifests(flags.filename);
      // Resolve everything first so a bad object stops the run before anything is written.
      const targets = manifests.map((m) => resolveObject(m, flags.namespace));
      let failed = 0;
      for (const t of targets) {
        try {
          const outcome = await applyObject(client, t);
          process.stdout.write(`${qualifiedName(t.info, t.name)} ${outcome}\n`);
        } catch (err) {
          failed++;
          process.stderr.write(`${errorLine(err)}\n`);
        }
      }
      if (failed > 0) process.exitCode = 1;
    }),
  );
}
