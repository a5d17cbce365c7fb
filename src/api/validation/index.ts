/** Per-kind validation; each returns one cause per invalid field (empty when valid). */
export { validateNamespace } from "./namespace.ts";
export { validatePod } from "./pod.ts";
export { validateService } from "./service.ts";
export { validateEndpoints, validateEndpointSlice } from "./endpoints.ts";
export { validateDNSRecord } from "./dns-record.ts";
