/** Per-kind validation; each returns one cause per invalid field (empty when valid). */

export { validateDNSRecord } from "./dns-record.ts";
export { validateEndpointSlice, validateEndpoints } from "./endpoints.ts";
export { validateNamespace } from "./namespace.ts";
export { validatePod } from "./pod.ts";
export { validateService } from "./service.ts";
