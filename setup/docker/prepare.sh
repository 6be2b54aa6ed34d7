#!/usr/bin/env bash
# setup/docker/prepare.sh [--quiet]: what the Docker runtime needs, prepared the first time a Docker stack
# comes up (npm run up) and for the tests (npm test); a lab of processes needs none of it. Idempotent:
# with everything there it does nothing (and --quiet prints nothing).
set -euo pipefail

quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${KRAFTLAB_CACHE:-$HOME/.cache/kraftlab}
mkdir -p "$cache"
# shellcheck source=setup/kafka/lib.sh
. "$root/setup/kafka/lib.sh"

# The Docker runtime's needs, both optional (without them the process runtime still works): an engine,
# and the root filesystem of the nodes' image (Debian bookworm with a JRE, setup/docker/rootfs.sh),
# which the runtime imports; no container registry is needed. With no engine reachable, the runtime
# runs a private one (setup/docker/engine.sh) from Debian's docker.io: dockerd, containerd and runc.
docker_dir="$cache/docker"
install_docker_engine() {
  # The package must not start the machine's own docker/containerd services (a system engine with its
  # iptables rules): policy-rc.d's 101 tells invoke-rc.d and deb-systemd-invoke not to.
  local policy=/usr/sbin/policy-rc.d added=0 rc=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 0755 "$policy" && added=1; fi
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io; } || rc=$?
  [ $added = 0 ] || rm -f "$policy"
  return $rc
}
if [ -z "${DOCKER_HOST:-}" ] && [ ! -x /usr/sbin/dockerd ] && ! command -v dockerd >/dev/null 2>&1 &&
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 &&
  ! curl -fsS --max-time 2 --unix-socket /var/run/docker.sock http://engine/_ping >/dev/null 2>&1; then
  run_step "Docker engine from Debian's docker.io (dockerd, containerd, runc)" install_docker_engine "the Docker runtime will not be available"
fi
rootfs_tar="$docker_dir/jre-rootfs.tar"
build_rootfs() { bash "$root/setup/docker/rootfs.sh" "$rootfs_tar"; }
# debootstrap needs root (chroot, device nodes, file owners); rootfs.sh installs it when it is missing.
if [ "$(id -u)" = 0 ] && { command -v debootstrap >/dev/null 2>&1 || command -v apt-get >/dev/null 2>&1; } &&
  { [ ! -f "$rootfs_tar" ] || [ "$(cat "$rootfs_tar.stamp" 2>/dev/null)" != "$(bash "$root/setup/docker/rootfs.sh" --stamp)" ]; }; then
  mkdir -p "$docker_dir"
  run_step "Docker image root filesystem: Debian bookworm with a JRE (debootstrap, about a minute)" build_rootfs "the Docker runtime will not be available"
fi
if [ $quiet = 0 ]; then
  if [ -n "${DOCKER_HOST:-}" ]; then docker_engine=$DOCKER_HOST
  elif [ -S /var/run/docker.sock ]; then docker_engine=unix:///var/run/docker.sock
  elif [ -x /usr/sbin/dockerd ] || command -v dockerd >/dev/null 2>&1; then docker_engine="private (setup/docker/engine.sh start)"
  else docker_engine=none; fi
  say "docker: engine $docker_engine, image root filesystem $([ -f "$rootfs_tar" ] && echo "$rootfs_tar" || echo none)"
fi
