/** Per-kind defaulting, in place. Defaulting runs before validation and never throws on bad input. */

export { defaultDNSRecord } from "./dns-record.ts";
export { defaultEndpointSlice, defaultEndpoints } from "./endpoints.ts";
export { defaultNamespace } from "./namespace.ts";
export { defaultPod } from "./pod.ts";
export { defaultSecret } from "./secret.ts";
export { defaultService } from "./service.ts";
