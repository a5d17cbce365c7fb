/** core/v1 ObjectReference, which Endpoints, EndpointSlices and Events point at objects with. */
import { CORE, object, str } from "./build.ts";
import type { Definition } from "./types.ts";

/** Its definition name. */
export const OBJECT_REFERENCE = `${CORE}ObjectReference`;

/** Its definition, for the kinds that use it. */
export const OBJECT_REFERENCE_DEFINITIONS: Record<string, Definition> = {
  [OBJECT_REFERENCE]: object("A reference to one object, enough to find it.", {
    kind: str("Kind of the object (Pod)."),
    namespace: str("Namespace of the object."),
    name: str("Name of the object."),
    uid: str("UID of the object."),
    apiVersion: str("API version of the object."),
    resourceVersion: str("The resourceVersion the reference was made at, if it matters."),
    fieldPath: str("A field within the object, when the reference is to part of it (spec.containers{app})."),
  }),
};
