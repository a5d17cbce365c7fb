/**
 * Literal text inside a PCRE pattern that nginx compiles (map `~` keys): every character other
 * than a letter or digit is escaped with `\`, so a user's header value or path can only ever
 * match itself. The result still goes through `quote` like every value written into nginx.conf.
 */

/** `value` as a PCRE literal. */
export function regexLiteral(value: string): string {
  return value.replace(/[^A-Za-z0-9]/g, (c) => `\\${c}`);
}
