/** Annotation and label names Kubernetes defines, read or written by more than one component. */

/**
 * When the change an Endpoints write answers happened (RFC 3339), as Kubernetes' endpoints
 * controller writes it; DNS measures from it how long the change took to be served.
 */
export const TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";
