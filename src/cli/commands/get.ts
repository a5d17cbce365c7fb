/** `kdns get KIND [NAME…]`: tables, or `-o wide|json|yaml|name`, as kubectl prints them. */
import { Command, Option } from "commander";
import { apiVersionOf } from "../../api/resources.ts";
import type { KubeObject } from "../../api/types.ts";
import { addClientFlags, type ClientFlags, clientOf } from "../client-flags.ts";
import { action, errorLine } from "../errors.ts";
import { flag } from "../flags.ts";
import { resolveKind } from "../kind.ts";
import { asList, printJson, printYaml, qualifiedName } from "../printers/output.ts";
import { printTable } from "../printers/table.ts";

/** The output formats of `get`. */
export const OUTPUTS = ["table", "wide", "json", "yaml", "name"] as const;

interface GetFlags extends ClientFlags {
  namespace: string;
  allNamespaces?: boolean;
  selector?: string;
  output: (typeof OUTPUTS)[number];
}

/** The `get` command. */
export function getCommand(): Command {
  const cmd = new Command("get")
    .description("list objects of one kind, or show the named ones")
    .argument("<kind>", "resource kind: plural, singular, short name (svc, po, ep, ns, cm, dns) or kind.group")
    .argument("[names...]", "object names (default: all)")
    .addOption(flag("-n, --namespace <ns>", "namespace", { default: "default" }))
    .option("-A, --all-namespaces", "list across all namespaces")
    .option("-l, --selector <selector>", "label selector, e.g. app=web,tier!=db")
    .addOption(new Option("-o, --output <format>", "output format").choices(OUTPUTS).default("table"));
  addClientFlags(cmd);
  return cmd.action(
    action(async (kind: string, names: string[], flags: GetFlags) => {
      const info = resolveKind(kind);
      const client = clientOf(flags);
      const namespace = !info.namespaced || flags.allNamespaces ? undefined : flags.namespace;
      let objects: KubeObject[] = [];
      let failed = false;
      if (names.length > 0) {
        for (const name of names) {
          try {
            objects.push(await client.get(info, namespace, name));
          } catch (err) {
            failed = true;
            process.stderr.write(`${errorLine(err)}\n`);
          }
        }
      } else {
        const list = await client.list(info, namespace, flags.selector ? { labelSelector: flags.selector } : {});
        objects = list.items.map((o) => ({
          ...o,
          apiVersion: o.apiVersion ?? apiVersionOf(info),
          kind: o.kind ?? info.kind,
        }));
      }
      if (failed) process.exitCode = 1;
      const single = names.length === 1 && objects.length === 1 ? objects[0] : undefined;
      switch (flags.output) {
        case "json":
          if (objects.length > 0 || names.length === 0) process.stdout.write(printJson(single ?? asList(objects)));
          return;
        case "yaml":
          if (objects.length > 0 || names.length === 0) process.stdout.write(printYaml(single ?? asList(objects)));
          return;
        default:
          break;
      }
      if (objects.length === 0) {
        if (!failed)
          process.stderr.write(
            namespace !== undefined ? `No resources found in ${namespace} namespace.\n` : "No resources found\n",
          );
        return;
      }
      if (flags.output === "name") {
        process.stdout.write(objects.map((o) => `${qualifiedName(info, o.metadata.name ?? "")}\n`).join(""));
        return;
      }
      process.stdout.write(
        printTable(info.resource, objects, {
          wide: flags.output === "wide",
          withNamespace: info.namespaced && flags.allNamespaces === true,
          now: Date.now(),
        }),
      );
    }),
  );
}
