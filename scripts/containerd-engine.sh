#!/usr/bin/env bash
# A second Docker engine beside the main one, with the containerd image store, for what the main
# engine's builder (the docker driver over the classic store) cannot show: --reproducible's equal
# digests (it ignores rewrite-timestamp) and SBOM and provenance attestations (it refuses them).
# Its own socket, data root, exec root and containerd; the daemon at /var/run/docker.sock is never
# stopped or changed, and no network is created (--bridge=none).
#
#   scripts/containerd-engine.sh start        starts it unless it answers (idempotent; seconds)
#   scripts/containerd-engine.sh load REF...  copies images from the main engine unless it holds them
#   scripts/containerd-engine.sh stop         stops the daemon this script started
#   scripts/containerd-engine.sh host         prints its DOCKER_HOST
#
# What it cannot show here: an SBOM. --sbom=true runs docker/buildkit-syft-scanner:stable-1 (Docker Hub;
# BuildKit takes a local image of that name first), and BuildKit 0.13 runs it on the engine's default
# bridge network, which no engine here has (a stand-in scanner built from Syft failed there: "network bridge not found").
# Env: STAGECRAFT_CONTAINERD_SOCK, STAGECRAFT_CONTAINERD_STATE (daemon.json, its log, the data root).
set -euo pipefail

SOCK=${STAGECRAFT_CONTAINERD_SOCK:-/var/run/stagecraft-containerd.sock}
STATE=${STAGECRAFT_CONTAINERD_STATE:-/var/lib/stagecraft-containerd}
EXEC_ROOT=/var/run/stagecraft-containerd
PIDFILE=$EXEC_ROOT.pid
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
      # SIGPIPE ignored: its apt-cache | awk pipe under pipefail otherwise fails it now and then (test/e2e/docker.ts, offlineDockerTool).
      if [ -x "$OFFLINE_DOCKER/ensure-images.sh" ]; then (trap '' PIPE; "$OFFLINE_DOCKER/ensure-images.sh" "$ref" >/dev/null); else docker pull -q "$ref" >/dev/null; fi
    fi
    same_image "$ref" || missing+=("$ref")
  done
  [ ${#missing[@]} -eq 0 ] || docker save "${missing[@]}" | side load -q
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
  start | stop) "$1" ;;
  load) shift && load "$@" ;;
  host) echo "unix://$SOCK" ;;
  *) die "usage: scripts/containerd-engine.sh start | load REF... | stop | host" ;;
esac
