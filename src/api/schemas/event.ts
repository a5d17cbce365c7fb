/** core/v1 Event. */
import { CORE, freeForm, int32, object, ref, str } from "./build.ts";
import { MICRO_TIME, objectMetaField, TIME, TYPE_META } from "./meta.ts";
import { OBJECT_REFERENCE, OBJECT_REFERENCE_DEFINITIONS } from "./object-reference.ts";
import type { KindSchema } from "./types.ts";

/** The schema of Event. */
export const EVENT_SCHEMA: KindSchema = {
  name: `${CORE}Event`,
  definitions: {
    ...OBJECT_REFERENCE_DEFINITIONS,
    [`${CORE}Event`]: object(
      "A report of something that happened to an object. kubectl describe lists an object's events; kdns's gateway and DNS server record Warning events about the problems they find (see the README).",
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        involvedObject: ref(OBJECT_REFERENCE, "The object the event is about."),
        reason: str("A CamelCase word for what happened, for programs."),
        message: str("What happened, for people."),
        source: ref(`${CORE}EventSource`, "The component that reported the event."),
        firstTimestamp: ref(TIME, "When the event was first seen."),
        lastTimestamp: ref(TIME, "When the event was last seen."),
        count: int32("How many times it happened."),
        type: str("Normal or Warning."),
        eventTime: ref(MICRO_TIME, "When the event first happened, with microseconds."),
        series: freeForm("The series this event belongs to, when it repeats (count, lastObservedTime)."),
        action: str("What action was taken or failed."),
        related: ref(OBJECT_REFERENCE, "A second object the event involves."),
        reportingComponent: str("The controller that reported the event."),
        reportingInstance: str("The instance of that controller."),
      },
      ["metadata", "involvedObject"],
    ),
    [`${CORE}EventSource`]: object("Who reported an event.", {
      component: str("The component that reported it."),
      host: str("The node it was reported from."),
    }),
  },
};
