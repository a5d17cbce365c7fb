/**
 * A kind's schema under another version's definition names (pure): every definition whose name
 * starts with `from` and every reference to one is renamed to start with `to`, the rest (meta
 * types) kept. A version whose fields are the storage version's still gets its own names, as
 * upstream's CRDs publish `io.k8s.networking.gateway.v1beta1.HTTPRoute` beside the v1 one, so
 * `kubectl explain --api-version=…/v1beta1` finds a schema of that version.
 */
import type { Definition, KindSchema, Schema } from "./types.ts";

/** `schema` with the definition name prefix `from` replaced by `to`. */
export function renamedSchema(schema: KindSchema, from: string, to: string): KindSchema {
  const rename = (name: string): string => (name.startsWith(from) ? `${to}${name.slice(from.length)}` : name);
  const definitions: Record<string, Definition> = {};
  for (const [name, def] of Object.entries(schema.definitions))
    definitions[rename(name)] = renameRefs(def, rename) as Definition;
  return { name: rename(schema.name), definitions };
}

function renameRefs(node: Schema | Definition, rename: (name: string) => string): Schema | Definition {
  switch (node.type) {
    case "ref":
      return { ...node, ref: rename(node.ref) };
    case "array":
      return { ...node, items: renameRefs(node.items, rename) as Schema };
    case "map":
      return { ...node, values: renameRefs(node.values, rename) as Schema };
    case "object":
      return {
        ...node,
        properties: Object.fromEntries(
          Object.entries(node.properties).map(([k, v]) => [k, renameRefs(v, rename) as Schema]),
        ),
      };
    default:
      return node;
  }
}
