#!/usr/bin/env bash
# Makes a fresh machine ready: installs the project's npm packages (which bring Node 24, since the
# system Node may be older) and, with --test-tools, the system programs the tests drive for real.
set -euo pipefail
cd "$(dirname "$0")/.."

# Install npm packages when node_modules is missing or older than the lock file, exactly as the lock
# file says (`npm ci`, which also fails when package.json and the lock file disagree).
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi

# The console's page (served at /ui/ by `kdns up`) is bundled from ui/src with esbuild, from the
# npm packages just installed: the page then needs nothing from the internet.
node_modules/.bin/node scripts/build-ui.ts

# The openssl command makes certificates: the API server's (`kdns up --token-file`), the gateway's
# default one for its HTTPS listener, and the test CA of the TLS tests and the gateway benchmark.
if ! command -v openssl >/dev/null 2>&1; then
  echo "setup: installing openssl (apt-get)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssl >&2
fi

# command → Debian package that provides it
declare -A tools=()
case "${1:-}" in
  --test-tools)
    tools=([etcd]=etcd-server [etcdctl]=etcd-client [nginx]=nginx-light [dig]=bind9-dnsutils
      [kubectl]=kubernetes-client [unshare]=util-linux [curl]=curl [prometheus]=prometheus
      [chromium]=chromium) ;;
  --bench-tools)
    tools=([dnsperf]=dnsperf [dnsmasq]=dnsmasq-base [unbound]=unbound [wrk]=wrk [nginx]=nginx-light
      [taskset]=util-linux [valgrind]=valgrind [callgrind_control]=valgrind) ;;
  *) exit 0 ;;
esac
missing=()
for cmd in "${!tools[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${tools[$cmd]}")
done
# The Python client test runs Debian's python3-kubernetes under Debian's own python3.
if [ "${1:-}" = --test-tools ] && ! { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import kubernetes' 2>/dev/null; }; then
  missing+=(python3-kubernetes)
fi
updated=no
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  updated=yes
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
# Debian's kubectl 1.20 (the kubernetes-client package) in a private directory, beside whatever
# kubectl the system has: the kubectl scenario runs with both. Extracted, not installed, so the
# system kubectl stays as it is.
old_kubectl=.kdns-tools/kubectl-1.20
if [ "${1:-}" = --test-tools ] && [ ! -x "$old_kubectl/usr/bin/kubectl" ]; then
  echo "setup: extracting Debian's kubernetes-client (kubectl 1.20) into $old_kubectl" >&2
  download=$(mktemp -d)
  fetch() { (cd "$download" && apt-get download -qq -o APT::Sandbox::User=root kubernetes-client) >&2; }
  if ! fetch; then
    [ "$updated" = yes ] || apt-get update -qq >&2
    fetch
  fi
  mkdir -p "$old_kubectl"
  dpkg-deb -x "$download"/kubernetes-client_*.deb "$old_kubectl"
  rm -rf "$download"
fi
# Debian starts the packaged services on install; the tests start their own on free ports.
for svc in etcd nginx unbound prometheus; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$svc" >/dev/null 2>&1 || true; fi
done
