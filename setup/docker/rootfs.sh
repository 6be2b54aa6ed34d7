#!/usr/bin/env bash
# setup/docker/rootfs.sh OUT_TAR: the root filesystem of the Docker runtime's node image, a minimal Debian
# bookworm with a JRE, as a tar for the Engine API's image import (`docker import OUT_TAR kraftlab/jre:TAG`):
# no container registry is needed, only Debian's mirror. Kafka itself is not in it: setup/docker/Dockerfile
# adds the distribution that setup built, at /opt/kafka (an empty folder here).
#   user kafka, uid 1000 gid 1000 (as the official apache/kafka image's appuser), home /var/lib/kafka
#   java       /usr/bin/java, JAVA_HOME /usr/lib/jvm/java-17-openjdk-<arch>
# Beside OUT_TAR: OUT_TAR.stamp, the inputs it was built from, and OUT_TAR.packages, what it holds.
# rootfs.sh --stamp prints the stamp that a build would write: setup rebuilds only when it differs.
# Needs root (chroot, device nodes, file owners); installs debootstrap from Debian when it is missing.
set -euo pipefail

self=${BASH_SOURCE[0]}
suite=bookworm
mirror=http://deb.debian.org/debian
# The JRE pulls in what its native code and Kafka's JNI libraries (zstd-jni, snappy, lz4) link against:
# libc6 (libpthread, libdl, librt are in it), libstdc++6, libgcc-s1, zlib1g. bash and coreutils run
# Kafka's scripts; both are in minbase.
include=openjdk-17-jre-headless
arch=$(dpkg --print-architecture 2>/dev/null || uname -m)

stamp() {
  printf 'rootfs.sh %s\nsuite %s\nmirror %s\narch %s\ninclude %s\n' \
    "$(sha256sum <"$self" | cut -c1-16)" "$suite" "$mirror" "$arch" "$include"
}
if [ "${1:-}" = --stamp ]; then
  stamp
  exit 0
fi
[ $# = 1 ] || { echo "usage: $0 OUT_TAR | --stamp" >&2; exit 2; }
out=$(realpath -m "$1")
[ "$(id -u)" = 0 ] || { echo "rootfs.sh: debootstrap needs root" >&2; exit 1; }
if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$(stamp)" ]; then
  echo "rootfs.sh: $out is up to date"
  exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap debian-archive-keyring
fi

mkdir -p "$(dirname "$out")"
# debootstrap mounts /proc and /sys in the target, and leaves them mounted when it fails: unmount
# before removing, and never cross into another filesystem.
remove_work() {
  findmnt -rn -o TARGET | awk -v w="$1/" 'index($0, w) == 1 { print length, $0 }' | sort -rn | cut -d' ' -f2- |
    while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
  rm -rf --one-file-system "$1"
}
# One build at a time; then what a killed build left (about 300 MiB) can go.
exec 9>"$out.lock"
flock 9
for stale in "$(dirname "$out")"/.rootfs.*; do
  [ ! -d "$stale" ] || remove_work "$stale"
done
work=$(mktemp -d "$(dirname "$out")/.rootfs.XXXXXX")
target="$work/root"
trap 'remove_work "$work"' EXIT

# The .debs are kept between builds: a rebuild (a changed recipe) downloads only what changed.
mkdir -p "$(dirname "$out")/debs"
started=$SECONDS
debootstrap --variant=minbase --include="$include" --cache-dir="$(dirname "$out")/debs" \
  "$suite" "$target" "$mirror" || {
  # Its own log goes with the work folder: show its end first.
  tail -n 30 "$target/debootstrap/debootstrap.log" >&2 || true
  exit 1
}
echo "rootfs.sh: debootstrap took $((SECONDS - started)) s"

# --- the kafka user ---
chroot "$target" groupadd --gid 1000 kafka
chroot "$target" useradd --uid 1000 --gid 1000 --home-dir /var/lib/kafka --no-create-home --no-log-init \
  --shell /bin/bash kafka
install -d -o 1000 -g 1000 -m 0755 "$target/var/lib/kafka"
install -d -m 0755 "$target/opt/kafka"
jvm=usr/lib/jvm/java-17-openjdk-$arch
[ -x "$target/$jvm/bin/java" ] || { echo "rootfs.sh: no JRE in $target/$jvm" >&2; exit 1; }

# --- trimmed: what nothing in a node reads ---
# Docs (but the copyright files), man and info pages, translations (the C/C.UTF-8 locale is in libc),
# apt's lists and downloaded .debs, logs; and the same kept out if apt ever runs inside.
{
  echo 'path-exclude=/usr/share/doc/*'
  echo 'path-include=/usr/share/doc/*/copyright'
  echo 'path-exclude=/usr/share/man/*'
  echo 'path-exclude=/usr/share/info/*'
  echo 'path-exclude=/usr/share/locale/*'
  echo 'path-exclude=/usr/share/lintian/*'
} >"$target/etc/dpkg/dpkg.cfg.d/kraftlab-slim"
find "$target/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
find "$target/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "${target:?}"/usr/share/{man,info,lintian}/* "${target:?}"/usr/share/locale/*
# In the JRE: ct.sym serves only javac (8 MiB); classes_nocoops.jsa is the CDS archive for heaps over
# 32 GiB (12 MiB; without it such a JVM just loads classes). classes.jsa, the default one, stays.
rm -f "$target/$jvm/lib/ct.sym" "$target/$jvm/lib/server/classes_nocoops.jsa"
rm -rf "${target:?}"/var/lib/apt/lists/* "$target"/var/cache/apt/* "$target"/var/cache/debconf/*-old \
  "$target"/var/lib/dpkg/*-old "$target"/var/log/* "$target"/tmp/* "$target"/run/*
# The engine provides /dev, resolv.conf, hosts and hostname; the host's must not travel in the image
# (debootstrap copies its resolver and name).
rm -rf "${target:?}"/dev/*
rm -f "$target/etc/resolv.conf" "$target/etc/hostname"

# shellcheck disable=SC2016 # dpkg-query's own ${...} fields
chroot "$target" dpkg-query -W -f '${Package} ${Version}\n' >"$work/packages"
# Names sorted and owners numeric: the same tree gives the same tar.
tar --sort=name --numeric-owner -C "$target" -cf "$work/rootfs.tar" .
mv "$work/rootfs.tar" "$out"
mv "$work/packages" "$out.packages"
stamp >"$out.stamp"
echo "rootfs.sh: $out, $(du -m "$out" | cut -f1) MiB, $(wc -l <"$out.packages") packages, JAVA_HOME /$jvm"
