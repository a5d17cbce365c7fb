/** Per-kind defaulting, in place. */
import type { KubeObject } from "../types.ts";

// Placeholders until the defaults module lands.
/** Defaults a Namespace. */
export function defaultNamespace(_obj: KubeObject): void {}
/** Defaults a Pod. */
export function defaultPod(_obj: KubeObject): void {}
/** Defaults a Service. */
export function defaultService(_obj: KubeObject): void {}
/** Defaults an Endpoints. */
export function defaultEndpoints(_obj: KubeObject): void {}
/** Defaults an EndpointSlice. */
export function defaultEndpointSlice(_obj: KubeObject): void {}
/** Defaults a DNSRecord. */
export function defaultDNSRecord(_obj: KubeObject): void {}
