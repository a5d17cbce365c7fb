/** Per-kind validation; each returns one cause per invalid field (empty when valid). */
import type { StatusCause } from "../../machinery/status.ts";
import type { KubeObject } from "../types.ts";

// Placeholders until the validation module lands: every object is accepted.
/** Validates a Namespace. */
export function validateNamespace(_obj: KubeObject, _old?: KubeObject): StatusCause[] { return []; }
/** Validates a Pod. */
export function validatePod(_obj: KubeObject, _old?: KubeObject): StatusCause[] { return []; }
/** Validates a Service. */
export function validateService(_obj: KubeObject, _old?: KubeObject): StatusCause[] { return []; }
/** Validates an Endpoints. */
export function validateEndpoints(_obj: KubeObject, _old?: KubeObject): StatusCause[] { return []; }
/** Validates an EndpointSlice. */
export function validateEndpointSlice(_obj: KubeObject, _old?: KubeObject): StatusCause[] { return []; }
/** Validates a DNSRecord. */
export function validateDNSRecord(_obj: KubeObject, _old?: KubeObject): StatusCause[] { return []; }
