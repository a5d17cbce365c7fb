/** core/v1 Namespace. */
import { byKey, CORE, listOf, object, ref, str, strings } from "./build.ts";
import { objectMetaField, TIME, TYPE_META } from "./meta.ts";
import type { KindSchema } from "./types.ts";

/** The schema of Namespace. */
export const NAMESPACE_SCHEMA: KindSchema = {
  name: `${CORE}Namespace`,
  definitions: {
    [`${CORE}Namespace`]: object(
      "A scope for names: namespaced objects (Services, Pods, DNSRecords, …) are unique per namespace, and a Service's DNS name includes it (<service>.<namespace>.svc.<cluster domain>). Deleting a namespace makes it Terminating until the namespace controller has deleted everything in it.",
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        spec: ref(`${CORE}NamespaceSpec`, "What the namespace should be."),
        status: ref(`${CORE}NamespaceStatus`, "What the namespace is now. Read-only."),
      },
    ),
    [`${CORE}NamespaceSpec`]: object("What a namespace should be.", {
      finalizers: strings("Finalizers that must be removed before the namespace is deleted (kubernetes by default).", {
        listType: "atomic",
      }),
    }),
    [`${CORE}NamespaceStatus`]: object("What a namespace is now.", {
      phase: str("Active, or Terminating while it is being deleted.", { enum: ["Active", "Terminating"] }),
      conditions: listOf(ref(`${CORE}NamespaceCondition`), "The namespace's current state, one entry per aspect.", {
        ...byKey("type"),
      }),
    }),
    [`${CORE}NamespaceCondition`]: object(
      "One aspect of a namespace's state.",
      {
        type: str("The aspect this condition is about."),
        status: str("True, False or Unknown."),
        lastTransitionTime: ref(TIME, "When the status last changed."),
        reason: str("A CamelCase word for the status."),
        message: str("A sentence for people."),
      },
      ["type", "status"],
    ),
  },
};
