/** `kdns delete KIND NAME…` or `kdns delete -f FILE`. */
import { Command } from "commander";
import type { ResourceInfo } from "../../api/resources.ts";
import { addClientFlags, type ClientFlags, clientOf } from "../client-flags.ts";
import { action, CliError, errorLine } from "../errors.ts";
import { flag } from "../flags.ts";
import { resolveKind } from "../kind.ts";
import { loadManifests } from "../manifest.ts";
import { kindRef } from "../printers/output.ts";
import { resolveObject } from "../resolve.ts";

interface DeleteFlags extends ClientFlags {
  filename?: string[];
  namespace: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The `delete` command. */
export function deleteCommand(): Command {
  const cmd = new Command("delete")
    .description("delete objects by kind and name, or those named in manifests")
    .argument("[kind]", "resource kind (svc, pods, dnsrecords, …)")
    .argument("[names...]", "object names")
    .option("-f, --filename <path>", "manifest file, directory or - (repeatable)", collect)
    .addOption(flag("-n, --namespace <ns>", "namespace", { default: "default" }));
  addClientFlags(cmd);
  return cmd.action(
    action(async (kind: string | undefined, names: string[], flags: DeleteFlags) => {
      const client = clientOf(flags);
      const targets: { info: ResourceInfo; namespace: string | undefined; name: string }[] = [];
      if (flags.filename) {
        if (kind !== undefined) throw new CliError("use either KIND NAME… or -f, not both");
        for (const m of await loadManifests(flags.filename)) targets.push(resolveObject(m, flags.namespace));
      } else {
        if (kind === undefined) throw new CliError("you must provide one or more resources by KIND NAME… or by -f");
        if (names.length === 0) throw new CliError(`resource(s) were provided, but no name was specified`);
        const info = resolveKind(kind);
        for (const name of names)
          targets.push({ info, namespace: info.namespaced ? flags.namespace : undefined, name });
      }
      let failed = 0;
      for (const t of targets) {
        try {
          await client.delete(t.info, t.namespace, t.name);
          process.stdout.write(`${kindRef(t.info)} "${t.name}" deleted\n`);
        } catch (err) {
          failed++;
          process.stderr.write(`${errorLine(err)}\n`);
        }
      }
      if (failed > 0) process.exitCode = 1;
    }),
  );
}
