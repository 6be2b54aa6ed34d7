#!/usr/bin/env bash
# setup/docker/engine.sh start|stop|status: kraftlab's private Docker engine, for machines that have none
# of their own. Debian's docker.io (dockerd 20.10, Engine API 1.41) with its containerd and runc, run as
# root with nothing shared with a system Docker:
#   $cache/docker/engine.sock        the API; start and status print it as unix://... (stdout: that line only)
#   $cache/docker/data               data root: images, layers, containers, networks, and containerd's
#                                    root (data/containerd). Kept by stop, as a cache.
#   /run/kraftlab-docker-<8 hex>     exec root: pidfiles, network namespaces, containerd's socket and state.
#                                    <8 hex> = sha256 of $cache. Short on purpose: unix socket paths hold at
#                                    most 108 bytes, and containerd's shims put theirs below it. Removed by stop.
#   $cache/logs/{dockerd,containerd}.log
#   /sys/fs/cgroup/.../kraftlab-docker the containers' cgroups
# It never touches /var/run/docker.sock nor the host's network: no iptables rules, no ip_forward, no docker0
# bridge. Containers meet on the lab's user-defined networks and reach the host only through ports published
# by docker-proxy (a userland proxy, so publishing works with iptables off). Their DNS is Docker's embedded
# server with 127.0.0.1 as its upstream: container names resolve, nothing is forwarded off the machine.
set -euo pipefail

cache=${KRAFTLAB_CACHE:-$HOME/.cache/kraftlab}
dir="$cache/docker"
sock="$dir/engine.sock"
data="$dir/data"
exec_root="/run/kraftlab-docker-$(printf '%s' "$cache" | sha256sum | cut -c1-8)"
ctr_sock="$exec_root/containerd/containerd.sock"
dockerd_pid="$exec_root/dockerd.pid"
ctr_pid="$exec_root/containerd.pid"
log="$cache/logs/dockerd.log"
ctr_log="$cache/logs/containerd.log"
# The binaries live in sbin, which a non-login root shell may not have on PATH.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

say() { printf 'kraftlab docker engine: %s\n' "$*" >&2; }
fail() {
  printf 'kraftlab docker engine: ERROR: %s\n' "$1" >&2
  [ -z "${2:-}" ] || [ ! -f "$2" ] || { printf -- '--- last lines of %s ---\n' "$2" >&2; tail -n 20 "$2" >&2; }
  exit 1
}

# running PID: alive and not a zombie (an exited daemon's parent is init, which may reap it late).
running() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${state:0:1}" != Z ]
}
# alive PIDFILE: the process it names is running.
alive() { [ -f "$1" ] && running "$(cat "$1")"; }
ping_api() { curl -fsS --max-time 2 --unix-socket "$sock" http://engine/_ping >/dev/null 2>&1; }

# stop_pid PIDFILE NAME SECONDS: SIGTERM, then SIGKILL if it outlives SECONDS.
stop_pid() {
  alive "$1" || { rm -f "$1"; return 0; }
  local pid i
  pid=$(cat "$1")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < $3 * 10; i++)); do
    running "$pid" || { rm -f "$1"; return 0; }
    sleep 0.1
  done
  say "$2 (pid $pid) still running after ${3}s, killing it"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$1"
}

start() {
  if alive "$dockerd_pid" && ping_api; then
    echo "unix://$sock"
    return 0
  fi
  [ "$(id -u)" = 0 ] || fail "the private engine runs as root (network namespaces, mounts, cgroups). Fix: run as root, or point DOCKER_HOST at an engine."
  local bin
  for bin in dockerd containerd containerd-shim-runc-v2 runc docker-proxy curl ps; do
    command -v "$bin" >/dev/null 2>&1 ||
      fail "'$bin' not found. Fix: bash setup/docker/prepare.sh (as root: it installs Debian's docker.io, as npm test and npm run bench do)."
  done
  # A half-started or crashed engine: clear what it left before starting anew.
  stop >/dev/null
  mkdir -p "$dir" "$data" "$cache/logs" "$exec_root/containerd"
  chmod 0700 "$exec_root"

  # Our own containerd, always: without --containerd, dockerd 20.10 silently uses the host's containerd
  # whenever /run/containerd/containerd.sock exists, and only starts a private one otherwise.
  # root/state/opt/sockets all under our roots (containerd defaults to /var/lib, /run and /opt/containerd).
  cat >"$exec_root/containerd.toml" <<EOF
version = 2
root = "$data/containerd/daemon"
state = "$exec_root/containerd/daemon"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$ctr_sock"
[ttrpc]
  address = "$ctr_sock.ttrpc"
[debug]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$data/containerd/opt"
EOF
  printf -- '--- %s engine.sh start\n' "$(date -Is)" >>"$ctr_log"
  # 9>&-: the daemons must not inherit (and so hold forever) the lock below.
  containerd --config "$exec_root/containerd.toml" >>"$ctr_log" 2>&1 9>&- &
  echo $! >"$ctr_pid"
  local i
  for ((i = 0; i < 200; i++)); do
    [ -S "$ctr_sock" ] && break
    alive "$ctr_pid" || fail "containerd exited at start (log: $ctr_log)." "$ctr_log"
    sleep 0.05
  done
  [ -S "$ctr_sock" ] || { stop >/dev/null; fail "containerd did not open $ctr_sock within 10 s (log: $ctr_log)." "$ctr_log"; }

  # Our own (empty but for the trust key's path) config file: /etc/docker/daemon.json (mirrors, bridges,
  # iptables...) must not leak in, and 20.10 would otherwise write its key to /etc/docker/key.json.
  printf '{ "deprecated-key-path": "%s" }\n' "$data/key.json" >"$exec_root/daemon.json"
  # --dns 127.0.0.1: every container's default, so none inherits the host's resolver (an upstream the
  # embedded DNS would forward to); on 127.0.0.1 in the container's namespace nothing answers. The
  # embedded DNS then does not answer at all: timeout:1 attempts:1 make such a lookup fail in 2 s, not 20.
  printf -- '--- %s engine.sh start\n' "$(date -Is)" >>"$log"
  dockerd \
    --config-file "$exec_root/daemon.json" \
    --host "unix://$sock" \
    --data-root "$data" \
    --exec-root "$exec_root" \
    --pidfile "$dockerd_pid" \
    --containerd "$ctr_sock" \
    --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none \
    --userland-proxy=true --userland-proxy-path "$(command -v docker-proxy)" \
    --dns 127.0.0.1 --dns-opt timeout:1 --dns-opt attempts:1 \
    --cgroup-parent /kraftlab-docker \
    >>"$log" 2>&1 9>&- &
  local pid=$!
  for ((i = 0; i < 600; i++)); do
    ping_api && { echo "unix://$sock"; return 0; }
    running "$pid" || { stop >/dev/null; fail "dockerd exited at start (log: $log)." "$log"; }
    sleep 0.1
  done
  stop >/dev/null
  fail "dockerd did not answer on $sock within 60 s (log: $log)." "$log"
}

stop() {
  # The bridges of the engine's networks stay on the host, with their gateway addresses, when dockerd
  # stops; it makes them anew at its next start. Their names: asked while the API still answers.
  local bridges=() name
  if ping_api; then
    for name in $(curl -fsS --max-time 5 --unix-socket "$sock" 'http://engine/networks?filters=%7B%22driver%22%3A%7B%22bridge%22%3Atrue%7D%7D' |
      grep -oE '"Id":"[0-9a-f]{12}|"com.docker.network.bridge.name":"[^"]+' | sed -E 's/"Id":"/br-/; s/.*":"//' || true); do
      bridges+=("$name")
    done
  fi
  # dockerd first: it stops its containers (SIGTERM, 10 s grace) and its docker-proxy processes; then
  # containerd, whose shims have exited by then.
  stop_pid "$dockerd_pid" dockerd 30
  for name in "${bridges[@]}"; do ip link delete "$name" type bridge 2>/dev/null || true; done
  stop_pid "$ctr_pid" containerd 15
  # After a crash (dockerd or containerd killed), containers outlive them with their shims. containerd's
  # state names each container's first process; its parent is the shim (a subreaper), if that shim is
  # ours. (docker-proxy needs nothing: the kernel sends it SIGTERM when dockerd dies.)
  local task id pid shim
  for task in "$exec_root"/containerd/daemon/io.containerd.runtime.v2.task/*/*/; do
    [ -f "$task/init.pid" ] || continue
    id=$(basename "$task") pid=$(cat "$task/init.pid")
    running "$pid" || continue
    say "container ${id:0:12} outlived the engine: killing it"
    shim=$(ps -o ppid= -p "$pid" | tr -d ' ')
    kill -KILL "$pid" 2>/dev/null || true
    if [ -n "$shim" ] && tr '\0' ' ' <"/proc/$shim/cmdline" 2>/dev/null | grep -qF -- "-address $ctr_sock"; then
      echo "$shim" >"$task/shim.pid"
      stop_pid "$task/shim.pid" containerd-shim 5
    fi
    rmdir /sys/fs/cgroup/*/kraftlab-docker/"$id" /sys/fs/cgroup/kraftlab-docker/"$id" 2>/dev/null || true
  done
  rmdir /sys/fs/cgroup/*/kraftlab-docker /sys/fs/cgroup/kraftlab-docker 2>/dev/null || true
  # What a crash can leave mounted: network namespaces (exec root), overlay mounts and shm (data root).
  # Deepest first, so that a parent is never busy; lazily as a last resort.
  local target
  findmnt -rn -o TARGET |
    awk -v a="$exec_root" -v b="$data" '$0 == a || index($0, a "/") == 1 || $0 == b || index($0, b "/") == 1 { print length, $0 }' |
    sort -rn | cut -d' ' -f2- |
    while read -r target; do
      target=$(printf '%b' "$target") # findmnt -r writes a space as \x20
      umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || say "could not unmount $target"
    done
  rm -rf "$exec_root"
  rm -f "$sock"
  # Two folders no flag moves: dockerd 20.10's plugin sockets (/run/docker/plugins) and containerd 1.6's
  # shim sockets (/run/containerd/s). Dropped when empty, unless a system engine is there to own them.
  [ -S /var/run/docker.sock ] || rmdir /run/docker/plugins /run/docker 2>/dev/null || true
  [ -S /run/containerd/containerd.sock ] || rmdir /run/containerd/s /run/containerd 2>/dev/null || true
}

status() {
  if alive "$dockerd_pid" && ping_api; then
    echo "unix://$sock"
  else
    exit 1
  fi
}

# One start or stop at a time (two test processes may ask for the engine at once).
lock() {
  mkdir -p "$dir"
  exec 9>"$dir/.engine.lock"
  flock -w 120 9 || fail "another engine.sh start/stop has held $dir/.engine.lock for 120 s."
}

case "${1:-}" in
  start) lock && start ;;
  stop) lock && stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
