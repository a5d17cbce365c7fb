/**
 * Kubernetes' version priority (apimachinery's CompareKubeAwareVersionStrings): GA before beta
 * before alpha, a higher number first within each, then anything that is not a Kubernetes
 * version, by name. Discovery lists a group's versions in this order, the first preferred.
 */

const KUBE_VERSION = /^v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?$/;
const LEVEL: Record<string, number> = { "": 3, beta: 2, alpha: 1 };

/** Sort comparator: negative when `a` has the higher priority. */
export function compareVersionPriority(a: string, b: string): number {
  const ma = KUBE_VERSION.exec(a);
  const mb = KUBE_VERSION.exec(b);
  if (!ma || !mb) return ma ? -1 : mb ? 1 : a.localeCompare(b);
  const level = (LEVEL[mb[2] ?? ""] ?? 0) - (LEVEL[ma[2] ?? ""] ?? 0);
  if (level !== 0) return level;
  const major = Number(mb[1]) - Number(ma[1]);
  if (major !== 0) return major;
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}
