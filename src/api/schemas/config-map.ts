/** core/v1 ConfigMap. */
import { bool, CORE, object, stringMap } from "./build.ts";
import { objectMetaField, TYPE_META } from "./meta.ts";
import type { KindSchema } from "./types.ts";

/** The schema of ConfigMap. */
export const CONFIG_MAP_SCHEMA: KindSchema = {
  name: `${CORE}ConfigMap`,
  definitions: {
    [`${CORE}ConfigMap`]: object("Configuration data as key-value pairs.", {
      ...TYPE_META,
      metadata: objectMetaField(),
      data: stringMap(
        "UTF-8 values by key (letters, digits, '-', '_' and '.'; not '.' or '..'; at most 253 characters). A key may not also be in binaryData; both together at most 1 MiB.",
      ),
      binaryData: stringMap("Binary values, base64-encoded, by key."),
      immutable: bool("When true, data and binaryData can no longer be changed; the ConfigMap can only be deleted."),
    }),
  },
};
