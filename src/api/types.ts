/**
 * Wire shapes of the objects kdns serves, as Kubernetes defines them (core/v1,
 * discovery.k8s.io/v1) plus kdns.dev/v1 DNSRecord. Only the fields kdns reads or validates are
 * typed; unknown fields the user sends are kept as they are.
 */

/** metav1.ObjectMeta. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  [field: string]: unknown;
}

/** metav1.OwnerReference. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any stored object: type meta + object meta + free-form body. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A list as the API returns it (`ServiceList`, …). */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

/** One watch event on the wire. */
export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

/** corev1.Namespace. */
export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: "Active" | "Terminating" };
}

/** corev1.ServicePort. */
export interface ServicePort {
  name?: string;
  protocol?: "TCP" | "UDP" | "SCTP";
  port: number;
  targetPort?: number | string;
  appProtocol?: string;
  nodePort?: number;
}

/** corev1.Service. */
export interface Service extends KubeObject {
  spec: {
    type?: "ClusterIP" | "ExternalName" | "NodePort" | "LoadBalancer";
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: ServicePort[];
    selector?: Record<string, string>;
    externalName?: string;
    publishNotReadyAddresses?: boolean;
    ipFamilies?: ("IPv4" | "IPv6")[];
    ipFamilyPolicy?: "SingleStack" | "PreferDualStack" | "RequireDualStack";
    sessionAffinity?: string;
    [field: string]: unknown;
  };
  status?: { loadBalancer?: Record<string, unknown> };
}

/** corev1.ContainerPort. */
export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: "TCP" | "UDP" | "SCTP";
  hostPort?: number;
}

/** corev1.PodCondition. */
export interface PodCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** corev1.Pod: kdns does not run pods; whoever runs them reports IPs and readiness. */
export interface Pod extends KubeObject {
  spec: {
    hostname?: string;
    subdomain?: string;
    nodeName?: string;
    containers: { name: string; image?: string; ports?: ContainerPort[]; [field: string]: unknown }[];
    [field: string]: unknown;
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    conditions?: PodCondition[];
    [field: string]: unknown;
  };
}

/** corev1.ObjectReference, as endpoints' targetRef. */
export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
}

/** corev1.EndpointAddress. */
export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

/** corev1.EndpointPort. */
export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: "TCP" | "UDP" | "SCTP";
  appProtocol?: string;
}

/** corev1.EndpointSubset. */
export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** corev1.Endpoints. */
export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[];
}

/** discoveryv1.Endpoint. */
export interface SliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  targetRef?: ObjectReference;
  nodeName?: string;
}

/** discoveryv1.EndpointSlice. */
export interface EndpointSlice extends KubeObject {
  addressType: "IPv4" | "IPv6" | "FQDN";
  endpoints: SliceEndpoint[];
  ports?: EndpointPort[];
}

/** One routed path of a DNSRecord. `service` and `address` may both be given: address is the backend. */
export interface DNSRecordPath {
  path: string;
  service?: string;
  address?: string;
  port: number;
}

/** A DNSRecord's HTTPS: the `kubernetes.io/tls` Secret (in the record's namespace) the gateway serves the host with. */
export interface DNSRecordTLS {
  secretName: string;
  /** Whether plain HTTP requests for the host are redirected to HTTPS; defaulted to true. */
  httpRedirect?: boolean;
}

/** kdns.dev/v1 DNSRecord: a host name served by the gateway, and its path routes. */
export interface DNSRecord extends KubeObject {
  spec: { host: string; paths: DNSRecordPath[]; tls?: DNSRecordTLS };
  status?: {
    conditions?: {
      type: string;
      status: "True" | "False" | "Unknown";
      reason?: string;
      message?: string;
      lastTransitionTime?: string;
    }[];
    gatewayAddress?: string;
    [field: string]: unknown;
  };
}

/** The Secret types Kubernetes gives a meaning to (any other string is allowed too). */
export const SECRET_TYPES = {
  opaque: "Opaque",
  tls: "kubernetes.io/tls",
  serviceAccountToken: "kubernetes.io/service-account-token",
  dockercfg: "kubernetes.io/dockercfg",
  dockerConfigJson: "kubernetes.io/dockerconfigjson",
  basicAuth: "kubernetes.io/basic-auth",
  sshAuth: "kubernetes.io/ssh-auth",
} as const;

/**
 * corev1.Secret. `data` values are base64 on the wire and in storage; `stringData` is write-only:
 * merged into `data` on every write and never stored.
 */
export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  immutable?: boolean;
}

/** coordination.k8s.io/v1 Lease: who holds a leader election, until when. */
export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    /** RFC 3339 with microseconds. */
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** corev1.ConfigMap: UTF-8 `data` and base64 `binaryData`, with no key in both. */
export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

/** networkingv1.IngressServiceBackend: a Service in the Ingress's namespace, port by number or name. */
export interface IngressServiceBackend {
  name: string;
  port: { number?: number; name?: string };
}

/** networkingv1.IngressBackend (kdns serves `service` backends; `resource` is accepted and not routed). */
export interface IngressBackend {
  service?: IngressServiceBackend;
  resource?: { apiGroup?: string; kind: string; name: string };
}

/** networkingv1.HTTPIngressPath. */
export interface HTTPIngressPath {
  path?: string;
  pathType: "Exact" | "Prefix" | "ImplementationSpecific";
  backend: IngressBackend;
}

/** networkingv1.IngressRule. */
export interface IngressRule {
  host?: string;
  http?: { paths: HTTPIngressPath[] };
}

/** networkingv1.IngressTLS. */
export interface IngressTLS {
  hosts?: string[];
  secretName?: string;
}

/** networkingv1.Ingress. */
export interface Ingress extends KubeObject {
  spec?: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    tls?: IngressTLS[];
    rules?: IngressRule[];
  };
  status?: {
    loadBalancer?: { ingress?: { ip?: string; hostname?: string; ports?: unknown[] }[] };
    [field: string]: unknown;
  };
}

/** networkingv1.IngressClass. */
export interface IngressClass extends KubeObject {
  spec?: {
    controller?: string;
    parameters?: { apiGroup?: string; kind: string; name: string; scope?: string; namespace?: string };
  };
}
