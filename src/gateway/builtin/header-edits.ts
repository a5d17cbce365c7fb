/**
 * Gateway API header filters (HTTPHeaderFilter) on a flat `[name, value, …]` field list, as Node
 * gives request headers and the response parser gives response headers: `remove` and `set` drop
 * every field of the name (case-insensitively), then `set` appends its field, and `add` appends
 * `,value` to the first field of the name or a field of its own when there is none (the nginx
 * engine renders the same). The lookup
 * has checked names and values to be tokens and field values, so nothing here can break a head.
 */
import type { HeaderEdits } from "../routes/model.ts";

/** `flat` after every edit in order (a new list; `flat` is not changed). */
export function editHeaders(flat: readonly string[], edits: readonly HeaderEdits[]): string[] {
  let out = [...flat];
  for (const e of edits) {
    const drop = new Set([...e.remove, ...e.set.map((h) => h.name)].map((n) => n.toLowerCase()));
    if (drop.size > 0) {
      const kept: string[] = [];
      for (let i = 0; i + 1 < out.length; i += 2) if (!drop.has(out[i]!.toLowerCase())) kept.push(out[i]!, out[i + 1]!);
      out = kept;
    }
    for (const h of e.set) out.push(h.name, h.value);
    for (const h of e.add) {
      const lower = h.name.toLowerCase();
      let at = -1;
      for (let i = 0; i + 1 < out.length && at < 0; i += 2) if (out[i]!.toLowerCase() === lower) at = i;
      if (at < 0) out.push(h.name, h.value);
      else out[at + 1] = `${out[at + 1]},${h.value}`;
    }
  }
  return out;
}
