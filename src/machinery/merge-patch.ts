/**
 * JSON Merge Patch (RFC 7386), the `application/merge-patch+json` PATCH body. Kubernetes'
 * strategic merge patch is a superset kdns does not implement; for the kinds kdns serves the
 * difference is only in how lists are merged, and RFC 7386 replaces lists whole.
 */

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function clone(v: unknown): unknown {
  return v === undefined ? undefined : structuredClone(v);
}

/**
 * Applies `patch` to `target` per RFC 7386 §2 and returns the result; neither input is mutated
 * and the result shares no objects with them.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: Record<string, unknown> = isObject(target) ? (clone(target) as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      // A plain assignment to "__proto__" would change the prototype instead of adding a key.
      Object.defineProperty(result, key, {
        value: mergePatch(Object.hasOwn(result, key) ? result[key] : undefined, value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return result;
}
