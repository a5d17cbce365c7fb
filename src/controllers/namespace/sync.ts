/**
 * What the namespace controller does to a Terminating namespace (pure), as Kubernetes'
 * namespaced-resources deleter: delete every object not already being deleted, report what is
 * left in `status.conditions` (the five NamespaceDeletion* / *Remaining conditions, with
 * Kubernetes' reasons and messages), and remove the `kubernetes` finalizer once nothing is left.
 */

/** What the cleanup needs of one object. */
export interface ContentObject {
  name: string;
  /** Whether its deletion started. */
  deleting: boolean;
  finalizers: readonly string[];
}

/** One resource's objects in the namespace; `resource` is Kubernetes' GroupResource string (`pods`, `endpointslices.discovery.k8s.io`). */
export interface ResourceContent {
  resource: string;
  objects: readonly ContentObject[];
}

/** corev1.NamespaceCondition. */
export interface NamespaceCondition {
  type: string;
  status: "True" | "False";
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

/** What one pass decided. */
export interface CleanupPlan {
  /** Objects to delete now: `[resource, name]`. */
  deletes: { resource: string; name: string }[];
  /** Objects still there, per resource. */
  remaining: Map<string, number>;
  /** Finalizers holding objects, with how many each holds. */
  finalizers: Map<string, number>;
  /** Nothing left: the namespace finalizer can go. */
  empty: boolean;
}

/** Decides the deletes of one pass over the namespace's contents. */
export function planCleanup(contents: readonly ResourceContent[]): CleanupPlan {
  const plan: CleanupPlan = { deletes: [], remaining: new Map(), finalizers: new Map(), empty: true };
  for (const { resource, objects } of contents) {
    if (objects.length === 0) continue;
    plan.empty = false;
    plan.remaining.set(resource, objects.length);
    for (const obj of objects) {
      if (!obj.deleting) plan.deletes.push({ resource, name: obj.name });
      for (const f of obj.finalizers) plan.finalizers.set(f, (plan.finalizers.get(f) ?? 0) + 1);
    }
  }
  return plan;
}

/** The five condition types, with the reason and message of each when all is well. */
const OK: readonly [type: string, reason: string, message: string][] = [
  ["NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered", "All resources successfully discovered"],
  ["NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions", "All legacy kube types successfully parsed"],
  [
    "NamespaceDeletionContentFailure",
    "ContentDeleted",
    "All content successfully deleted, may be waiting on finalization",
  ],
  ["NamespaceContentRemaining", "ContentRemoved", "All content successfully removed"],
  ["NamespaceFinalizersRemaining", "ContentHasNoFinalizers", "All content-preserving finalizers finished"],
];

function sorted(counts: Map<string, number>, verb: string): string {
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, n]) => `${name} ${verb} ${n} resource instances`)
    .join(", ");
}

/**
 * The conditions after a pass; `failed` lists the resources whose deletes failed. A condition
 * keeps its lastTransitionTime while its status does not change.
 */
export function cleanupConditions(
  plan: CleanupPlan,
  failed: readonly string[],
  previous: readonly NamespaceCondition[],
  now: string,
): NamespaceCondition[] {
  const bad = new Map<string, [string, string]>();
  if (failed.length > 0)
    bad.set("NamespaceDeletionContentFailure", [
      "ContentDeletionFailed",
      `Failed to delete all resource types, ${failed.length} remaining: ${[...failed].sort().join(", ")}`,
    ]);
  if (plan.remaining.size > 0)
    bad.set("NamespaceContentRemaining", [
      "SomeResourcesRemain",
      `Some resources are remaining: ${sorted(plan.remaining, "has")}`,
    ]);
  if (plan.finalizers.size > 0)
    bad.set("NamespaceFinalizersRemaining", [
      "SomeFinalizersRemain",
      `Some content in the namespace has finalizers remaining: ${sorted(plan.finalizers, "in")}`,
    ]);
  return OK.map(([type, okReason, okMessage]) => {
    const failure = bad.get(type);
    const status = failure ? "True" : "False";
    const before = previous.find((c) => c.type === type);
    const lastTransitionTime = before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : now;
    return { type, status, lastTransitionTime, reason: failure?.[0] ?? okReason, message: failure?.[1] ?? okMessage };
  });
}

/** Whether two condition lists say the same (times aside). */
export function sameConditions(a: readonly NamespaceCondition[], b: readonly NamespaceCondition[]): boolean {
  const key = (list: readonly NamespaceCondition[]): string =>
    JSON.stringify(list.map((c) => [c.type, c.status, c.reason, c.message]));
  return key(a) === key(b);
}
