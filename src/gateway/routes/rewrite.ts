/**
 * Gateway API path modifiers (HTTPPathModifier) on a request path, as the built-in engine applies
 * them and the nginx renderer's output must agree with: `ReplaceFullPath` replaces the path;
 * `ReplacePrefixMatch` replaces the matched prefix and keeps the rest, joining with exactly one
 * `/` (`/foo` → `/xyz` maps `/foo/bar` to `/xyz/bar`; → `/` maps it to `/bar` and `/foo` to `/`).
 */
import type { PathModifier } from "./model.ts";

/** `path` (no query) after `modifier`; `prefix` is the route's normalised PathPrefix value. */
export function modifyPath(modifier: PathModifier, prefix: string, path: string): string {
  if (modifier.type === "ReplaceFullPath") return modifier.value;
  const rest = prefix === "/" ? path : path.slice(prefix.length);
  const base = modifier.value.endsWith("/") ? modifier.value.slice(0, -1) : modifier.value;
  const joined = rest === "" || rest === "/" ? (rest === "/" && base !== "" ? `${base}/` : base) : base + rest;
  return joined === "" ? "/" : joined;
}
