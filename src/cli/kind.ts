/** Kind names typed on the command line → the resource table. */
import { type ResourceInfo, resourceByName } from "../api/resources.ts";
import { CliError } from "./errors.ts";

/** The resource for `svc`, `services`, `Service`, `dnsrecords.kdns.dev`, …; kubectl's error otherwise. */
export function resolveKind(name: string): ResourceInfo {
  const info = resourceByName(name);
  if (!info) throw new CliError(`the server doesn't have a resource type "${name}"`);
  return info;
}
