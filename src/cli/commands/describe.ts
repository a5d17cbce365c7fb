/** `kdns describe KIND NAME…`: a readable multi-line description of each object. */
import { Command } from "commander";
import { resourceByName } from "../../api/resources.ts";
import type { ConfigMap, DNSRecord, Endpoints, KubeObject, Pod, Secret, Service } from "../../api/types.ts";
import type { RestClient } from "../../client/rest-client.ts";
import { addClientFlags, type ClientFlags, clientOf } from "../client-flags.ts";
import { action, errorLine } from "../errors.ts";
import { flag } from "../flags.ts";
import { resolveKind } from "../kind.ts";
import {
  describeConfigMap,
  describeDNSRecord,
  describeGeneric,
  describePod,
  describeSecret,
  describeService,
} from "../printers/describe.ts";
import { type DescribedEvent, describeEvents } from "../printers/events.ts";

interface DescribeFlags extends ClientFlags {
  namespace: string;
}

async function describeOne(client: RestClient, resource: string, obj: KubeObject): Promise<string> {
  switch (resource) {
    case "services": {
      const epInfo = resourceByName("endpoints");
      const ep = epInfo
        ? await client.get<Endpoints>(epInfo, obj.metadata.namespace, obj.metadata.name ?? "").catch(() => undefined)
        : undefined;
      return describeService(obj as Service, ep);
    }
    case "pods":
      return describePod(obj as Pod);
    case "dnsrecords":
      return describeDNSRecord(obj as DNSRecord);
    case "secrets":
      return describeSecret(obj as Secret);
    case "configmaps":
      return describeConfigMap(obj as ConfigMap);
    default:
      return describeGeneric(obj);
  }
}

/**
 * The Events about `obj`, found as kubectl finds them (by the involved object's name, kind and
 * uid); a server that will not list them leaves the section out rather than failing the describe.
 */
async function eventsSection(client: RestClient, obj: KubeObject): Promise<string> {
  const info = resourceByName("events");
  if (!info) return "";
  const terms = [`involvedObject.name=${obj.metadata.name ?? ""}`, `involvedObject.kind=${obj.kind}`];
  if (obj.metadata.uid) terms.push(`involvedObject.uid=${obj.metadata.uid}`);
  const namespace = obj.metadata.namespace ?? "default";
  try {
    const list = await client.list<DescribedEvent>(info, namespace, { fieldSelector: terms.join(",") });
    return describeEvents(list.items, Date.now());
  } catch {
    return "";
  }
}

/** The `describe` command. */
export function describeCommand(): Command {
  const cmd = new Command("describe")
    .description("show details of objects")
    .argument("<kind>", "resource kind")
    .argument("<names...>", "object names")
    .addOption(flag("-n, --namespace <ns>", "namespace", { default: "default" }));
  addClientFlags(cmd);
  return cmd.action(
    action(async (kind: string, names: string[], flags: DescribeFlags) => {
      const info = resolveKind(kind);
      const client = clientOf(flags);
      const texts: string[] = [];
      for (const name of names) {
        try {
          const obj = await client.get(info, info.namespaced ? flags.namespace : undefined, name);
          texts.push((await describeOne(client, info.resource, obj)) + (await eventsSection(client, obj)));
        } catch (err) {
          process.exitCode = 1;
          process.stderr.write(`${errorLine(err)}\n`);
        }
      }
      process.stdout.write(texts.join("\n\n"));
    }),
  );
}
