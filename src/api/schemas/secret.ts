/** core/v1 Secret. */
import { bool, CORE, object, str, stringMap } from "./build.ts";
import { objectMetaField, TYPE_META } from "./meta.ts";
import type { KindSchema } from "./types.ts";

/** The schema of Secret. */
export const SECRET_SCHEMA: KindSchema = {
  name: `${CORE}Secret`,
  definitions: {
    [`${CORE}Secret`]: object(
      "Secret data, such as a TLS certificate and key a DNSRecord's spec.tls names. Stored like any other object (not encrypted at rest); readable only with a token when the API requires one, and never printed in logs, tables or events.",
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        type: str(
          "What the data is for: Opaque (the default), kubernetes.io/tls (needs tls.crt and tls.key), and Kubernetes' other types. Cannot be changed once set.",
        ),
        data: stringMap(
          "The secret values, base64-encoded, by key (letters, digits, '-', '_' and '.'; not '.' or '..'; at most 253 characters). All values together at most 1 MiB decoded.",
        ),
        stringData: stringMap(
          "Write-only plain-text values, merged into data on write (a key in both takes this value) and never stored or returned.",
        ),
        immutable: bool("When true, data can no longer be changed; the Secret can only be deleted."),
      },
    ),
  },
};
