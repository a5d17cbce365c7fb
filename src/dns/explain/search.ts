/**
 * The search-path expansion of a pod's resolver (`kdns explain dns NAME --from POD_IP`): kubelet
 * gives ClusterFirst pods `search <ns>.svc.<zone> svc.<zone> <zone>` and `options ndots:5`, so a
 * name with fewer than 5 dots is tried with each suffix before it is tried as it is; with 5 or
 * more, as it is first (glibc's res_search). The first answer with records ends the search.
 */

/** The candidates a pod in `namespace` asks, in order, for `name` (no trailing dot). */
export function searchCandidates(name: string, namespace: string, zone: string, ndots = 5): string[] {
  const suffixes = [`${namespace}.svc.${zone}`, `svc.${zone}`, zone];
  const expanded = suffixes.map((s) => `${name}.${s}`);
  const dots = name.split(".").length - 1;
  return dots >= ndots ? [name, ...expanded] : [...expanded, name];
}
