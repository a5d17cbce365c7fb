/**
 * core/v1 Pod. kdns runs no pods: a Pod here is a record whoever runs the workload writes, so the
 * endpoints controller and DNS know its IPs, labels and readiness. The fields kdns reads are
 * spelled out; the rest of Kubernetes' PodSpec and Container is listed by name so manifests
 * written for Kubernetes validate, with the deeper structures (probes, security contexts,
 * affinity, volume sources) accepted as free-form objects.
 */
import {
  ATOMIC,
  bool,
  byKey,
  CORE,
  freeForm,
  int32,
  int64,
  listOf,
  mapOf,
  object,
  ref,
  str,
  stringMap,
  strings,
} from "./build.ts";
import { objectMetaField, TIME, TYPE_META } from "./meta.ts";
import type { KindSchema, Schema } from "./types.ts";

const STORED = "Stored, not used by kdns (it runs no pods).";

function stored(what: string): Schema {
  return freeForm(`${what} ${STORED}`);
}

/** Every volume source Kubernetes knows, each kept as given. */
const VOLUME_SOURCES = [
  "awsElasticBlockStore",
  "azureDisk",
  "azureFile",
  "cephfs",
  "cinder",
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "fc",
  "flexVolume",
  "flocker",
  "gcePersistentDisk",
  "gitRepo",
  "glusterfs",
  "hostPath",
  "image",
  "iscsi",
  "nfs",
  "persistentVolumeClaim",
  "photonPersistentDisk",
  "portworxVolume",
  "projected",
  "quobyte",
  "rbd",
  "scaleIO",
  "secret",
  "storageos",
  "vsphereVolume",
];

const CONTAINER = `${CORE}Container`;

/** The schema of Pod. */
export const POD_SCHEMA: KindSchema = {
  name: `${CORE}Pod`,
  definitions: {
    [`${CORE}Pod`]: object(
      "A workload instance, as reported to kdns: kdns runs no pods, so whoever runs one writes it here with its labels, and its IPs and readiness in status (through /status). The endpoints controller puts the ready Pods a Service selects into its Endpoints, and DNS answers pod names (<dashed-ip>.<namespace>.pod.<domain>) and hostname.subdomain names from them.",
      {
        ...TYPE_META,
        metadata: objectMetaField(),
        spec: ref(`${CORE}PodSpec`, "What the Pod runs."),
        status: ref(
          `${CORE}PodStatus`,
          "What the Pod is now: its IPs, phase and conditions, reported by whoever runs it.",
        ),
      },
    ),
    [`${CORE}PodSpec`]: object(
      "What a Pod runs.",
      {
        containers: listOf(
          ref(CONTAINER),
          "The containers of the Pod (at least one); their named ports are what a Service's targetPort names.",
          byKey("name"),
        ),
        initContainers: listOf(
          ref(CONTAINER),
          `Containers run to completion before the others. ${STORED}`,
          byKey("name"),
        ),
        ephemeralContainers: listOf(
          stored("A debugging container."),
          "Containers added to a running Pod for debugging.",
          byKey("name"),
        ),
        hostname: str(
          "The Pod's hostname; with subdomain, DNS answers <hostname>.<subdomain>.<namespace>.svc.<domain> when a headless Service named subdomain selects the Pod.",
        ),
        subdomain: str("The name of the headless Service that gives the Pod a hostname DNS record."),
        nodeName: str("The node the Pod runs on, copied into its endpoints."),
        volumes: listOf(ref(`${CORE}Volume`), "Volumes the containers can mount.", {
          ...byKey("name"),
          patchStrategy: "merge,retainKeys",
        }),
        restartPolicy: str(`Always, OnFailure or Never. ${STORED}`),
        terminationGracePeriodSeconds: int64(`Seconds to stop gracefully. ${STORED}`),
        activeDeadlineSeconds: int64(`Seconds the Pod may run. ${STORED}`),
        dnsPolicy: str(
          "How the Pod's resolv.conf is made: ClusterFirst uses the cluster DNS (kdns resolv-conf prints what it would be).",
        ),
        dnsConfig: stored("Extra nameservers, searches and options for the Pod's resolv.conf."),
        nodeSelector: stringMap(`Labels a node must have to run the Pod. ${STORED}`),
        serviceAccountName: str(`The service account the Pod runs as. ${STORED}`),
        serviceAccount: str("Deprecated: use serviceAccountName."),
        automountServiceAccountToken: bool(`Whether to mount the service account token. ${STORED}`),
        hostNetwork: bool(`Use the node's network namespace. ${STORED}`),
        hostPID: bool(`Use the node's process namespace. ${STORED}`),
        hostIPC: bool(`Use the node's IPC namespace. ${STORED}`),
        shareProcessNamespace: bool(`Share one process namespace between the containers. ${STORED}`),
        securityContext: stored("Pod-level security settings."),
        imagePullSecrets: listOf(
          ref(`${CORE}LocalObjectReference`),
          `Secrets for pulling images. ${STORED}`,
          byKey("name"),
        ),
        affinity: stored("Scheduling constraints (node, pod and anti-affinity)."),
        schedulerName: str(`The scheduler to place the Pod. ${STORED}`),
        tolerations: listOf(stored("A taint the Pod tolerates."), "Taints the Pod tolerates.", ATOMIC),
        hostAliases: listOf(stored("Extra /etc/hosts entries for one IP."), "Extra /etc/hosts entries.", {
          ...byKey("ip"),
        }),
        priorityClassName: str(`The priority class of the Pod. ${STORED}`),
        priority: int32(`The Pod's priority. ${STORED}`),
        readinessGates: listOf(stored("A condition the Pod needs to be ready."), "Extra readiness conditions.", ATOMIC),
        runtimeClassName: str(`The runtime class. ${STORED}`),
        enableServiceLinks: bool(`Whether Service environment variables are injected. ${STORED}`),
        preemptionPolicy: str(`Whether the Pod may preempt others. ${STORED}`),
        overhead: mapOf(str(), `Resources the Pod's sandbox uses. ${STORED}`),
        topologySpreadConstraints: listOf(stored("How to spread Pods over a topology."), "How to spread Pods.", {
          ...byKey("topologyKey", "whenUnsatisfiable"),
        }),
        setHostnameAsFQDN: bool(`Whether the hostname is the fully qualified name. ${STORED}`),
        os: stored("The operating system of the containers."),
        hostUsers: bool(`Whether to use the host's user namespace. ${STORED}`),
        schedulingGates: listOf(stored("A gate that holds scheduling."), "Gates that hold scheduling.", byKey("name")),
        resourceClaims: listOf(stored("A dynamic resource claim."), "Dynamic resource claims.", byKey("name")),
        resources: stored("Pod-level resource requests and limits."),
      },
      ["containers"],
    ),
    [CONTAINER]: object(
      "One container of a Pod.",
      {
        name: str("The container's name, a DNS label unique in the Pod."),
        image: str(`The container image. ${STORED}`),
        command: strings(`The entrypoint. ${STORED}`, ATOMIC),
        args: strings(`Arguments to the entrypoint. ${STORED}`, ATOMIC),
        workingDir: str(`The working directory. ${STORED}`),
        ports: listOf(
          ref(`${CORE}ContainerPort`),
          "The ports the container serves; a named one is what a Service's targetPort may name.",
          byKey("containerPort", "protocol"),
        ),
        envFrom: listOf(stored("A source of environment variables."), "Sources of environment variables.", ATOMIC),
        env: listOf(ref(`${CORE}EnvVar`), `Environment variables. ${STORED}`, byKey("name")),
        resources: stored("Resource requests and limits."),
        resizePolicy: listOf(stored("How a resource is resized."), "How resources are resized.", ATOMIC),
        restartPolicy: str(`The restart policy of an init container (Always for a sidecar). ${STORED}`),
        volumeMounts: listOf(ref(`${CORE}VolumeMount`), `Volumes mounted into the container. ${STORED}`, {
          ...byKey("mountPath"),
        }),
        volumeDevices: listOf(stored("A block device."), "Block devices.", byKey("devicePath")),
        livenessProbe: stored("When to restart the container."),
        readinessProbe: stored(
          "When the container is ready; whoever runs the Pod reports the result as its Ready condition.",
        ),
        startupProbe: stored("When the container has started."),
        lifecycle: stored("Hooks run after start and before stop."),
        terminationMessagePath: str(`Where the container writes its termination message. ${STORED}`),
        terminationMessagePolicy: str(`File or FallbackToLogsOnError. ${STORED}`),
        imagePullPolicy: str(`Always, Never or IfNotPresent. ${STORED}`),
        securityContext: stored("Container-level security settings."),
        stdin: bool(`Keep stdin open. ${STORED}`),
        stdinOnce: bool(`Close stdin after the first client. ${STORED}`),
        tty: bool(`Allocate a TTY. ${STORED}`),
      },
      ["name"],
    ),
    [`${CORE}ContainerPort`]: object(
      "One port a container serves.",
      {
        name: str("The port's name (an IANA service name), for a Service's targetPort to name."),
        hostPort: int32(`The node port to map. ${STORED}`),
        containerPort: int32("The port number in the Pod's IP (1-65535)."),
        protocol: str("TCP (the default), UDP or SCTP.", { enum: ["SCTP", "TCP", "UDP"], default: "TCP" }),
        hostIP: str(`The node IP to bind the host port to. ${STORED}`),
      },
      ["containerPort"],
    ),
    [`${CORE}EnvVar`]: object(
      "One environment variable.",
      {
        name: str("The variable's name."),
        value: str("The variable's value."),
        valueFrom: stored("Where the value comes from (a field, a resource, a ConfigMap or Secret key)."),
      },
      ["name"],
    ),
    [`${CORE}VolumeMount`]: object(
      "Where a volume is mounted in a container.",
      {
        name: str("The name of the Pod volume."),
        readOnly: bool("Mount read-only."),
        recursiveReadOnly: str("Whether read-only applies recursively."),
        mountPath: str("The path in the container."),
        subPath: str("A path within the volume to mount instead of its root."),
        mountPropagation: str("How mounts propagate between host and container."),
        subPathExpr: str("Like subPath, with $(VAR) expanded from the environment."),
      },
      ["name", "mountPath"],
    ),
    [`${CORE}Volume`]: object(
      `A named volume of a Pod, with one source. ${STORED}`,
      {
        name: str("The volume's name, a DNS label unique in the Pod."),
        ...Object.fromEntries(VOLUME_SOURCES.map((s) => [s, stored(`The ${s} volume source.`)])),
      },
      ["name"],
    ),
    [`${CORE}LocalObjectReference`]: object("A reference to an object in the same namespace, by name.", {
      name: str("The object's name."),
    }),
    [`${CORE}PodStatus`]: object("What a Pod is now, as whoever runs it reports it.", {
      phase: str("Pending, Running, Succeeded, Failed or Unknown.", {
        enum: ["Failed", "Pending", "Running", "Succeeded", "Unknown"],
      }),
      conditions: listOf(
        ref(`${CORE}PodCondition`),
        "The Pod's state, one entry per aspect; Ready=True puts it into its Services' ready endpoints.",
        byKey("type"),
      ),
      message: str("A sentence for people about the Pod's state."),
      reason: str("A CamelCase word for the Pod's state."),
      nominatedNodeName: str(`The node the Pod may preempt others on. ${STORED}`),
      hostIP: str("The IP of the node the Pod runs on."),
      hostIPs: listOf(ref(`${CORE}HostIP`), "The node's IPs, one per family.", byKey("ip")),
      podIP: str("The Pod's IP: its endpoint address and its pod DNS name."),
      podIPs: listOf(ref(`${CORE}PodIP`), "The Pod's IPs, at most one per family; the first is podIP.", byKey("ip")),
      startTime: ref(TIME, "When the Pod was started."),
      initContainerStatuses: listOf(stored("One init container's state."), "The init containers' states.", ATOMIC),
      containerStatuses: listOf(stored("One container's state."), "The containers' states.", ATOMIC),
      qosClass: str(`The quality-of-service class. ${STORED}`),
      ephemeralContainerStatuses: listOf(
        stored("One ephemeral container's state."),
        "The ephemeral containers' states.",
        ATOMIC,
      ),
      resize: str(`The state of a resize. ${STORED}`),
      resourceClaimStatuses: listOf(
        stored("One resource claim's state."),
        "The resource claims' states.",
        byKey("name"),
      ),
    }),
    [`${CORE}PodCondition`]: object(
      "One aspect of a Pod's state.",
      {
        type: str("The aspect: Ready (used by kdns), PodScheduled, Initialized, ContainersReady, …"),
        status: str("True, False or Unknown.", { enum: ["False", "True", "Unknown"] }),
        lastProbeTime: ref(TIME, "When the condition was last probed."),
        lastTransitionTime: ref(TIME, "When the status last changed."),
        reason: str("A CamelCase word for the status."),
        message: str("A sentence for people."),
      },
      ["type", "status"],
    ),
    [`${CORE}PodIP`]: object("One IP of a Pod.", { ip: str("The IP address.") }, ["ip"]),
    [`${CORE}HostIP`]: object("One IP of a Pod's node.", { ip: str("The IP address.") }, ["ip"]),
  },
};
