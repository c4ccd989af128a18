#!/usr/bin/env bash
# A second Docker engine beside the main one, with the containerd image store, for what the main
# engine's builder (the docker driver over the classic store) cannot show: --reproducible's equal
# digests (it ignores rewrite-timestamp) and SBOM and provenance attestations (it refuses them).
# Its own socket, data root, exec root and containerd; the daemon at /var/run/docker.sock is never
# stopped or changed, and no network is created (--bridge=none).
#
#   scripts/containerd-engine.sh start        starts it unless it answers (idempotent; seconds)
#   scripts/containerd-engine.sh load REF...  copies images from the main engine unless it holds them
#   scripts/containerd-engine.sh scanner      the SBOM scanner stand-in (below), unless it holds it
#   scripts/containerd-engine.sh stop         stops the daemon this script started
#   scripts/containerd-engine.sh host         prints its DOCKER_HOST
#
# --sbom=true runs the image docker/buildkit-syft-scanner:stable-1, from Docker Hub; BuildKit takes a
# local image of that name first. Where Docker Hub does not answer, `scanner` builds one: Syft (the
# scanner Docker's image wraps) from the Go module proxy, run by a shell entrypoint that speaks
# BuildKit's scanner protocol (an in-toto statement of SPDX per scanned root). It needs a Go toolchain
# on this machine; the module github.com/docker/buildkit-syft-scanner itself is not on the proxy.
# Env: STAGECRAFT_CONTAINERD_SOCK, STAGECRAFT_CONTAINERD_STATE (daemon.json, logs, data root, Syft).
set -euo pipefail

SOCK=${STAGECRAFT_CONTAINERD_SOCK:-/var/run/stagecraft-containerd.sock}
STATE=${STAGECRAFT_CONTAINERD_STATE:-/var/lib/stagecraft-containerd}
EXEC_ROOT=/var/run/stagecraft-containerd
PIDFILE=$EXEC_ROOT.pid
SYFT_VERSION=v1.51.0
SCANNER=docker/buildkit-syft-scanner:stable-1
# As test/e2e/docker.ts finds it: OFFLINE_DOCKER_HOME, from the project root unless absolute.
OFFLINE_DOCKER=${OFFLINE_DOCKER_HOME:-../shared/tools/offline-docker}
case $OFFLINE_DOCKER in /*) ;; *) OFFLINE_DOCKER=$(cd "$(dirname "$0")/.." && pwd)/$OFFLINE_DOCKER ;; esac

side() { DOCKER_HOST="unix://$SOCK" docker "$@"; }
answers() { side info --format '{{json .DriverStatus}}' 2>/dev/null | grep -q io.containerd.snapshotter; }
die() {
  echo "containerd-engine: $*" >&2
  exit 1
}

start() {
  answers && return 0
  [ "$(id -u)" = 0 ] || die "starting dockerd needs root"
  mkdir -p "$STATE/data" "$EXEC_ROOT"
  echo '{"features":{"containerd-snapshotter":true}}' >"$STATE/daemon.json"
  # --exec-root apart: dockerd then runs its own containerd there, beside the main engine's.
  setsid dockerd --host "unix://$SOCK" --data-root "$STATE/data" --exec-root "$EXEC_ROOT" --pidfile "$PIDFILE" \
    --config-file "$STATE/daemon.json" --bridge=none --iptables=false --ip-masq=false >>"$STATE/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    answers && return 0
    sleep 1
  done
  tail -20 "$STATE/dockerd.log" >&2
  die "dockerd with the containerd image store did not answer on $SOCK within 60 s"
}

# An image is there already when the side engine holds the same config (save and load keep it).
same_image() { [ "$(docker image inspect -f '{{.Created}} {{json .Config}}' "$1" 2>/dev/null)" = "$(side image inspect -f '{{.Created}} {{json .Config}}' "$1" 2>/dev/null)" ]; }

load() {
  answers || die "no engine answers on $SOCK (scripts/containerd-engine.sh start)"
  local missing=() ref
  for ref in "$@"; do
    # Where the registries are out of reach, the main engine's stand-ins (../shared/tools/offline-docker).
    if ! docker image inspect "$ref" >/dev/null 2>&1; then
      if [ -x "$OFFLINE_DOCKER/ensure-images.sh" ]; then "$OFFLINE_DOCKER/ensure-images.sh" "$ref" >/dev/null; else docker pull -q "$ref" >/dev/null; fi
    fi
    same_image "$ref" || missing+=("$ref")
  done
  [ ${#missing[@]} -eq 0 ] || docker save "${missing[@]}" | side load -q
}

scanner() {
  answers || die "no engine answers on $SOCK (scripts/containerd-engine.sh start)"
  if side image inspect -f '{{index .Config.Labels "stagecraft.syft"}}' "$SCANNER" 2>/dev/null | grep -qx "$SYFT_VERSION"; then return 0; fi
  command -v go >/dev/null || die "no Go toolchain here to build Syft $SYFT_VERSION for the scanner stand-in"
  if [ ! -x "$STATE/syft/$SYFT_VERSION/syft" ]; then
    CGO_ENABLED=0 GOBIN="$STATE/syft/$SYFT_VERSION" go install "github.com/anchore/syft/cmd/syft@$SYFT_VERSION" || die "go install syft@$SYFT_VERSION failed"
  fi
  local context
  context=$(mktemp -d)
  trap 'rm -rf "$context"' RETURN
  cp "$STATE/syft/$SYFT_VERSION/syft" "$context/syft"
  # BuildKit mounts the root to scan at BUILDKIT_SCAN_SOURCE and reads every in-toto statement written
  # to BUILDKIT_SCAN_DESTINATION; it fills in the subject itself.
  cat >"$context/scan" <<'EOF'
#!/bin/sh
set -eu
export SYFT_CHECK_FOR_APP_UPDATE=false
{
  printf '{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document","predicate":'
  /usr/local/bin/syft scan --quiet --output spdx-json "dir:$BUILDKIT_SCAN_SOURCE"
  printf '}'
} >"$BUILDKIT_SCAN_DESTINATION/sbom.spdx.json"
EOF
  chmod +x "$context/scan"
  load debian:bookworm-slim
  side build --network none --label "stagecraft.syft=$SYFT_VERSION" -t "$SCANNER" -f - "$context" <<'EOF'
FROM debian:bookworm-slim
COPY syft scan /usr/local/bin/
ENTRYPOINT ["/usr/local/bin/scan"]
EOF
}

stop() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 1
  done
  die "dockerd $pid did not stop within 30 s"
}

case ${1:-} in
  start | stop | scanner) "$1" ;;
  load) shift && load "$@" ;;
  host) echo "unix://$SOCK" ;;
  *) die "usage: scripts/containerd-engine.sh start | load REF... | scanner | stop | host" ;;
esac
