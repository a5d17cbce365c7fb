/** Per-kind validation; each returns one cause per invalid field (empty when valid). */

export { validateConfigMap } from "./config-map.ts";
export { validateDNSRecord } from "./dns-record.ts";
export { validateEndpointSlice, validateEndpoints } from "./endpoints.ts";
export { validateIngress, validateIngressClass } from "./ingress.ts";
export { validateLease } from "./lease.ts";
export { validateNamespace } from "./namespace.ts";
export { validatePod } from "./pod.ts";
export { validateSecret } from "./secret.ts";
export { validateService } from "./service.ts";
