/**
 * Field selectors (`?fieldSelector=metadata.name=foo,metadata.namespace!=kube-system`). Like
 * kube-apiserver for most kinds, kdns supports only the object-meta fields; anything else is a
 * 400 "field label not supported", which is what kubectl users expect to see.
 */
import { badRequest } from "./status.ts";

/** What a field selector reads of an object: its name and namespace (any API object has them). */
export interface FieldSelectable {
  metadata?: { name?: string; namespace?: string };
}

/** The fields a selector may name. */
export type SelectableField = "metadata.name" | "metadata.namespace";

/** One `field=value` or `field!=value` term. */
export interface FieldRequirement {
  field: SelectableField;
  operator: "=" | "!=";
  value: string;
}

/** A parsed field selector; all requirements must hold. None = match everything. */
export interface FieldSelector {
  requirements: readonly FieldRequirement[];
}

const SUPPORTED: readonly string[] = ["metadata.name", "metadata.namespace"];

/** Splits a selector into its terms at the commas not escaped by a backslash; escapes stay in the terms. */
export function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? "";
    if (ch === "\\" && i + 1 < text.length) {
      cur += ch + (text[i + 1] ?? "");
      i++;
    } else if (ch === ",") {
      terms.push(cur);
      cur = "";
    } else {
      cur += ch;
    }
  }
  terms.push(cur);
  return terms;
}

/**
 * The value of a term with `\,` `\=` `\\` unescaped (apimachinery fields.UnescapeValue); a 400
 * naming the whole selector `text` on another escape or an unescaped `=` or `,`.
 */
export function unescapeValue(value: string, text: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? "";
    if (ch === "\\") {
      const n = value[i + 1];
      if (n !== "\\" && n !== "," && n !== "=")
        throw badRequest(`invalid field selector: '${text}': invalid escape sequence`);
      out += n;
      i++;
    } else if (ch === "=" || ch === ",") {
      throw badRequest(`invalid field selector: '${text}': unescaped '${ch}' in value`);
    } else {
      out += ch;
    }
  }
  return out;
}

/** Parses a field selector; throws a 400 `ApiError` on bad syntax or an unsupported field. */
export function parseFieldSelector(text: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  if (text.trim() === "") return { requirements };
  for (const term of splitTerms(text)) {
    const m = /^([^=!]*?)(!=|==|=)(.*)$/s.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const field = (m[1] ?? "").trim();
    const op = m[2] === "!=" ? "!=" : "=";
    if (!SUPPORTED.includes(field)) throw badRequest(`field label not supported: ${field}`);
    requirements.push({ field: field as SelectableField, operator: op, value: unescapeValue(m[3] ?? "", text) });
  }
  return { requirements };
}

/** Whether the object satisfies every requirement; an absent namespace compares as "". */
export function matchesFields(sel: FieldSelector, obj: FieldSelectable): boolean {
  for (const r of sel.requirements) {
    const actual = (r.field === "metadata.name" ? obj.metadata?.name : obj.metadata?.namespace) ?? "";
    if ((actual === r.value) !== (r.operator === "=")) return false;
  }
  return true;
}
