"""Debian's Python Kubernetes client (python3-kubernetes) against kdns, driven by python-client.test.ts.

Loads the kubeconfig given as the only argument (the one `kdns up` writes: https, the CA and a
bearer token), then lists, creates, patches and deletes Services and DNSRecords and follows
watches across changes. Prints one JSON line per step for the test to check.
"""

import json
import sys
import threading

from kubernetes import client, config, watch

NS = "default"
GROUP, VERSION, PLURAL = "kdns.dev", "v1", "dnsrecords"


def emit(step, **fields):
    print(json.dumps({"step": step, **fields}), flush=True)


def follow(stream_fn, args, until, rv):
    """Collects (type, name) of a watch from rv in a thread until `until(type, name)` holds."""
    events = []
    w = watch.Watch()

    def run():
        for ev in w.stream(stream_fn, *args, resource_version=rv, timeout_seconds=30):
            obj = ev["object"]
            name = obj["metadata"]["name"] if isinstance(obj, dict) else obj.metadata.name
            events.append([ev["type"], name])
            if until(ev["type"], name):
                w.stop()

    thread = threading.Thread(target=run)
    thread.start()
    return events, thread


def main():
    config.load_kube_config(config_file=sys.argv[1])
    core = client.CoreV1Api()
    custom = client.CustomObjectsApi()

    emit("kubernetes", cluster_ip=core.read_namespaced_service("kubernetes", NS).spec.cluster_ip)

    body = client.V1Service(
        metadata=client.V1ObjectMeta(name="py-web", labels={"app": "py"}),
        spec=client.V1ServiceSpec(selector={"app": "py"}, ports=[client.V1ServicePort(name="http", port=80)]),
    )
    created = core.create_namespaced_service(NS, body)
    emit("service created", cluster_ip=created.spec.cluster_ip)
    listed = core.list_namespaced_service(NS, label_selector="app=py")
    emit("services listed", names=[s.metadata.name for s in listed.items])
    # A dict body is sent as a strategic merge patch: the ports list merges by port.
    patched = core.patch_namespaced_service("py-web", NS, {"spec": {"ports": [{"name": "https", "port": 443}]}})
    emit("service patched", ports=[[p.name, p.port] for p in patched.spec.ports])

    record = {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "DNSRecord",
        "metadata": {"name": "py-site"},
        "spec": {"host": "py.example.test", "paths": [{"path": "/", "service": "py-web", "port": 80}]},
    }
    made = custom.create_namespaced_custom_object(GROUP, VERSION, NS, PLURAL, record)
    emit("record created", host=made["spec"]["host"])
    records = custom.list_namespaced_custom_object(GROUP, VERSION, NS, PLURAL)
    emit("records listed", names=[r["metadata"]["name"] for r in records["items"]])
    changed = custom.patch_namespaced_custom_object(
        GROUP, VERSION, NS, PLURAL, "py-site", {"spec": {"host": "py2.example.test"}}
    )
    emit("record patched", host=changed["spec"]["host"], paths=len(changed["spec"]["paths"]))

    rv = core.list_namespaced_service(NS).metadata.resource_version
    svc_events, svc_thread = follow(
        core.list_namespaced_service, [NS], lambda t, n: t == "DELETED" and n == "py-web", rv
    )
    rec_rv = custom.list_namespaced_custom_object(GROUP, VERSION, NS, PLURAL)["metadata"]["resourceVersion"]
    rec_events, rec_thread = follow(
        custom.list_namespaced_custom_object,
        [GROUP, VERSION, NS, PLURAL],
        lambda t, n: t == "DELETED" and n == "py-site",
        rec_rv,
    )
    core.patch_namespaced_service("py-web", NS, {"metadata": {"labels": {"watched": "yes"}}})
    late = client.V1Service(
        metadata=client.V1ObjectMeta(name="py-late"), spec=client.V1ServiceSpec(ports=[client.V1ServicePort(port=8080)])
    )
    core.create_namespaced_service(NS, late)
    core.delete_namespaced_service("py-late", NS)
    core.delete_namespaced_service("py-web", NS)
    custom.patch_namespaced_custom_object(GROUP, VERSION, NS, PLURAL, "py-site", {"metadata": {"labels": {"w": "1"}}})
    custom.delete_namespaced_custom_object(GROUP, VERSION, NS, PLURAL, "py-site")
    svc_thread.join(30)
    rec_thread.join(30)
    emit("services watched", events=svc_events)
    emit("records watched", events=rec_events)
    emit("done", version=client.ApiClient().user_agent)


if __name__ == "__main__":
    main()
