/** Per-kind defaulting, in place. Defaulting runs before validation and never throws on bad input. */
export { defaultNamespace } from "./namespace.ts";
export { defaultPod } from "./pod.ts";
export { defaultService } from "./service.ts";
export { defaultEndpoints, defaultEndpointSlice } from "./endpoints.ts";
export { defaultDNSRecord } from "./dns-record.ts";
