#!/usr/bin/env bash
# setup/monitoring/prometheus.sh: Prometheus from Debian's package, unpacked into the cache (no
# service, no root needed) with everything its web UI reads, as scripts/setup.sh runs it:
#   prometheus/<deb version>/bin/{prometheus,promtool}
#   prometheus/<deb version>/web/{templates,static}  the UI's templates and assets (--web.local-assets,
#                        components/monitoring/prometheus.ts): Debian's /usr/share/prometheus/web, whose
#                        symlinks into the libjs-*/fonts-* packages it depends on are resolved into files
#   prometheus/<deb version>/.stamp                  this script's checksum: a cache laid out by another
#                        recipe (before the UI, only the binaries) is laid out again
#   prometheus/current -> <deb version>
# Quiet when all is there; otherwise one progress line on stderr (run_step, setup/kafka/lib.sh).
set -euo pipefail

self=${BASH_SOURCE[0]}
cache=${KRAFTLAB_CACHE:-$HOME/.cache/kraftlab}
# shellcheck source=setup/kafka/lib.sh
. "$(dirname "$self")/../kafka/lib.sh"

prom_root="$cache/prometheus"
stamp=$(sha256sum <"$self" | cut -c1-16)
[ -x "$prom_root/current/bin/prometheus" ] && [ "$(cat "$prom_root/current/.stamp" 2>/dev/null)" = "$stamp" ] && exit 0

command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
  fail "Prometheus is needed for kraftlab:monitoring and this is not a Debian system. Fix: put prometheus on PATH, or set kraftlab:monitoring.prometheus."

fetch_prometheus() {
  local tmp debs deb version
  mkdir -p "$prom_root"
  tmp=$(mktemp -d "$prom_root/.tmp.XXXXXX")
  debs="$tmp/debs"
  mkdir -p "$debs" "$tmp/root"
  download() { (cd "$debs" && apt-get download "$@"); }
  # apt-get download needs package lists: refresh them once when they are missing (root only).
  download prometheus || { [ "$(id -u)" = 0 ] && apt-get update -qq && download prometheus; } ||
    fail "apt-get download prometheus failed. Fix: check that the Debian mirror is reachable (apt-get update), or put prometheus on PATH."
  # The UI's symlinks point into the libjs-*/fonts-* packages prometheus depends on, and theirs into
  # more (rickshaw's need d3): fetch that closure of Depends (first alternatives, versions dropped).
  wanted() {
    for deb in "$debs"/*.deb; do dpkg-deb -f "$deb" Depends; done |
      tr ',' '\n' | sed -E 's/\|.*//; s/\(.*//; s/:.*//; s/[[:space:]]//g' | grep -E '^(libjs-|fonts-)' | sort -u
  }
  have() { for deb in "$debs"/*.deb; do dpkg-deb -f "$deb" Package; done | sort -u; }
  local missing
  while missing=$(comm -23 <(wanted) <(have)) && [ -n "$missing" ]; do
    # shellcheck disable=SC2086 # one package name a word
    download $missing
  done
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done
  # The UI loads moment-timezone's bundled data (moment-timezone-with-data.min.js), never these 213 MB
  # of per-release JSON files.
  rm -rf "$tmp/root/usr/share/javascript/moment-timezone/data"
  version=$(dpkg-deb -f "$debs"/prometheus_*.deb Version)
  mkdir -p "$tmp/out/bin"
  install -m 0755 "$tmp/root/usr/bin/prometheus" "$tmp/root/usr/bin/promtool" "$tmp/out/bin/"
  # -L: each symlink becomes the file or directory it points to; one that points nowhere fails here.
  cp -rL "$tmp/root/usr/share/prometheus/web" "$tmp/out/web"
  # Debian's templates load popper.js/popper.min.js with a plain <script>, where libjs-popper.js has
  # its ES module build: a SyntaxError, and Bootstrap's menus (Status) without Popper. Its UMD build runs.
  cp "$tmp/out/web/static/popper.js/umd/popper.min.js" "$tmp/out/web/static/popper.js/popper.min.js"
  printf '%s\n' "$stamp" >"$tmp/out/.stamp"
  # Replaced whole: a running lab's Prometheus keeps the binary it started with, and reads the new
  # assets from the same path.
  rm -rf "${prom_root:?}/$version"
  mv "$tmp/out" "$prom_root/$version"
  ln -sfn "$version" "$prom_root/current"
  rm -rf "$tmp"
}
run_step "Prometheus and its web UI from Debian's packages" fetch_prometheus
