#!/usr/bin/env bash
# npm run setup: installs everything kraftlab needs on a fresh machine, offline-safe and idempotent.
# Heavy results are cached in $KRAFTLAB_CACHE (default ~/.cache/kraftlab), outside the repo, so reruns
# and CI clones reuse them. Layout (lab/toolchain.ts reads the same paths):
#   pulumi/v<ver>/bin/pulumi                                   CLI built from the Go module proxy
#   pulumi/v<ver>/bin/pulumi-{resource-pulumi,language}-nodejs  its Node.js plugins
#   kafka/<ver>/{libs,bin,config}                              Kafka from Maven Central (setup/kafka/layout.sh)
#   kafka/<ver>/kafka.jsa                                      its AppCDS archive (setup/kafka/cds.sh)
#   admin/<key>/                                               the cluster client, compiled (setup/admin)
# and, in the checkout, node_modules/.cache/kraftlab/<key>/: kraftlab as JavaScript (lab/entry.js)
#   jmx-exporter/<ver>/jmx_prometheus_javaagent-<ver>.jar      the nodes' metrics agent, Maven Central
#   prometheus/<deb version>/{bin,web}                         Debian's prometheus and its web UI (setup/monitoring/prometheus.sh)
#   docker/jre-rootfs.tar{,.stamp,.packages}                   Debian + JRE for the Docker image (setup/docker/prepare.sh)
#   docker/{engine.sock,data}                                  kraftlab's own dockerd, when started (setup/docker/engine.sh)
# --quiet prints only the steps that do work.
set -euo pipefail

quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${KRAFTLAB_CACHE:-$HOME/.cache/kraftlab}

# --- Nothing changed since the last setup: done in a few milliseconds --------------------------------
# The check before every command (--quiet). The stamp holds what the setup depended on (the cache, the
# Java and tools on PATH) and what it made; a file of the checkout newer than the stamp (an edit, a
# pull) or a result gone means the full check below.
stamp="$root/node_modules/.cache/kraftlab/setup.stamp"
java_cmd=$(command -v "${JAVA_HOME:+$JAVA_HOME/bin/}java" || true)
setup_key() {
  printf '%s\n' "cache $cache" "java $java_cmd $([ -n "$java_cmd" ] && stat -Lc %Y "$java_cmd")" \
    "prometheus $(command -v prometheus || true)" "pulumi $(command -v pulumi || true)"
}
checkout_inputs=("$root/package-lock.json" "$root/index.ts" "$root"/tsconfig*.json "$root/components" "$root/lab" "$root/scripts" "$root/setup")
setup_current() {
  [ -f "$stamp" ] && [ "$(head -n 4 "$stamp")" = "$(setup_key)" ] || return 1
  local made
  while IFS= read -r made; do [ -e "$made" ] || return 1; done < <(tail -n +5 "$stamp")
  [ -z "$(find "${checkout_inputs[@]}" -newer "$stamp" -print -quit 2>/dev/null)" ]
}
if [ $quiet = 1 ] && setup_current; then exit 0; fi
mkdir -p "$cache"

# say, fail, run_step, apt_install, maven_copy: shared with setup/kafka/layout.sh.
# shellcheck source=setup/kafka/lib.sh
. "$root/setup/kafka/lib.sh"

# --- Java 17+ ---------------------------------------------------------------------------------
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
command -v "$java_bin" >/dev/null 2>&1 || [ -n "${JAVA_HOME:-}" ] || apt_install openjdk-17-jre-headless || true
command -v "$java_bin" >/dev/null 2>&1 ||
  fail "Java 17 or newer is required and '$java_bin' was not found. Fix: apt-get install -y openjdk-17-jre-headless (or set JAVA_HOME)."
java_major=$("$java_bin" -version 2>&1 | sed -nE 's/.*version "([0-9]+).*/\1/p' | head -n1)
[ "${java_major:-0}" -ge 17 ] ||
  fail "Java 17 or newer is required, found major version '${java_major:-unknown}'. Fix: apt-get install -y openjdk-17-jre-headless (or point JAVA_HOME at a JDK 17+)."
[ $quiet = 1 ] || say "java $java_major found"

# --- Pulumi CLI, same version as the @pulumi/pulumi SDK ------------------------------------------
# The version package.json pins (exactly), read before npm ci: the build starts first, and runs
# alongside the other steps (it is most of a first setup: minutes of compiling).
pulumi_version=$(node -p "require('$root/package.json').dependencies['@pulumi/pulumi']")
pulumi_bin_dir="$cache/pulumi/v$pulumi_version/bin"
build_pulumi() {
  command -v go >/dev/null 2>&1 || fail "Go 1.25+ is needed to build the Pulumi CLI. Fix: install Go from go.dev or your distribution, or put pulumi v$pulumi_version on PATH."
  local tmp
  tmp=$(mktemp -d)
  # go.sum pins every module; the checksum database has no entry for pkg/v3 tags, so skip it for that one.
  (cd "$root/setup/pulumi" &&
    GONOSUMDB=github.com/pulumi/pulumi/pkg/v3 CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$pulumi_version" \
      -o "$tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) ||
    fail "building the Pulumi CLI failed (see above). Fix: check that the Go module proxy is reachable, or put pulumi v$pulumi_version on PATH."
  mkdir -p "$pulumi_bin_dir"
  mv "$tmp/pulumi" "$pulumi_bin_dir/pulumi"
  rmdir "$tmp"
}
if [ ! -x "$pulumi_bin_dir/pulumi" ]; then
  ambient=$(command -v pulumi 2>/dev/null || true)
  if [ -n "$ambient" ] && [ "$("$ambient" version 2>/dev/null)" = "v$pulumi_version" ]; then
    mkdir -p "$pulumi_bin_dir" && ln -sf "$ambient" "$pulumi_bin_dir/pulumi"
    say "using pulumi v$pulumi_version from $ambient"
  else
    start_step "Pulumi CLI v$pulumi_version (go build, several minutes the first time)" build_pulumi
  fi
fi
# Beside the CLI: kraftlab's dynamic provider host (the SDK's, errors without stacks) and its Node.js
# language host (plain `pulumi up`; the official one cannot be built from the module proxy).
mkdir -p "$pulumi_bin_dir"
install -m 0755 "$root/setup/pulumi/pulumi-resource-pulumi-nodejs" "$pulumi_bin_dir/pulumi-resource-pulumi-nodejs"
install -m 0755 "$root/setup/pulumi/pulumi-language-nodejs" "$pulumi_bin_dir/pulumi-language-nodejs"

# --- npm dependencies -------------------------------------------------------------------------
# npm ci: exactly the lock's versions, and the lock (and so `git status`) left as it is.
install_node_modules() { (cd "$root" && npm ci --no-audit --no-fund --loglevel=error); }
if [ ! -f "$root/node_modules/.package-lock.json" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  run_step "npm dependencies (npm ci)" install_node_modules
fi

# --- kraftlab itself as JavaScript, so that no command compiles TypeScript as it runs ------------
# node_modules/.cache/kraftlab/<fingerprint of the sources>/ (tsc -p tsconfig.build.json), loaded by
# lab/entry.js; an edited checkout is built again here, and runs its TypeScript until then.
build_dir=$(node "$root/lab/entry.js" --build-dir)
build_js() {
  local tmp
  mkdir -p "$(dirname "$build_dir")"
  tmp=$(mktemp -d "$(dirname "$build_dir")/.build.XXXXXX")
  (cd "$root" && node_modules/.bin/tsc -p tsconfig.build.json --outDir "$tmp")
  # One build at a time: the older ones are never loaded again.
  find "$(dirname "$build_dir")" -mindepth 1 -maxdepth 1 -name '[0-9a-f]*' -exec rm -rf {} +
  mv "$tmp" "$build_dir"
}
[ -d "$build_dir" ] || run_step "kraftlab as JavaScript (tsc, a few seconds)" build_js

# --- Kafka distribution from Maven Central, and its AppCDS archive --------------------------------
# setup/kafka/layout.sh does both for any Kafka 4.x version (a lab's kafkaVersion); here, the default:
# pom.xml's <kafka.version>. It says what it does on stderr (nothing when all is there) and prints the
# directory. Rebuilt when what setup/kafka holds changes (by content), the archive (faster starts for
# every node and tool, setup/kafka/cds.sh) when the JDK, the jars or the recipe change.
kafka_version=$(sed -nE 's|.*<kafka.version>([^<]+)</kafka.version>.*|\1|p' "$root/setup/kafka/pom.xml")
kafka_home=$(bash "$root/setup/kafka/layout.sh" "$kafka_version")
[ $quiet = 1 ] || say "kafka $kafka_version in $kafka_home"

# --- The cluster client and the drills' load (setup/admin): compiled once against that Kafka's libs --------------------
# In admin/<key>/, the key as components/client/build.ts computes it (the sources, build.sh and the
# kafka-clients jar); build.sh finds a compiler (javac, Debian's JDK, or ecj from Maven Central).
admin_key=$( { cat $(LC_ALL=C ls "$root"/setup/admin/*.java) "$root/setup/admin/build.sh"; printf %s "$(basename "$(ls "$kafka_home"/libs/kafka-clients-*.jar | head -n1)")"; } | sha256sum | cut -c1-16)
build_admin() { bash "$root/setup/admin/build.sh" "$kafka_home" "$cache/admin/$admin_key"; }
[ -d "$cache/admin/$admin_key" ] || run_step "cluster client (javac against Kafka $kafka_version)" build_admin

# --- Prometheus JMX exporter agent from Maven Central --------------------------------------------
jmx_version=$(sed -nE 's|.*<jmx-exporter.version>([^<]+)</jmx-exporter.version>.*|\1|p' "$root/setup/monitoring/pom.xml")
jmx_dir="$cache/jmx-exporter/$jmx_version"
fetch_jmx_exporter() {
  local tmp
  tmp=$(mktemp -d "$cache/.tmp.XXXXXX")
  maven_copy "$root/setup/monitoring/pom.xml" "$tmp" "jmx_prometheus_javaagent $jmx_version"
  chmod 0755 "$tmp"
  mkdir -p "$(dirname "$jmx_dir")" && rm -rf "$jmx_dir" && mv "$tmp" "$jmx_dir"
}
if [ ! -f "$jmx_dir/jmx_prometheus_javaagent-$jmx_version.jar" ]; then
  run_step "JMX exporter agent $jmx_version from Maven Central" fetch_jmx_exporter
fi

# --- Prometheus and its web UI from Debian's packages (setup/monitoring/prometheus.sh) --------------
# A prometheus on PATH is used as it is; kraftlab:monitoring.prometheus may name another.
prom_root="$cache/prometheus"
command -v prometheus >/dev/null 2>&1 || bash "$root/setup/monitoring/prometheus.sh"
[ $quiet = 1 ] || say "prometheus: $({ command -v prometheus || echo "$prom_root/current/bin/prometheus"; } | head -n1)"

# --- Docker ---------------------------------------------------------------------------------------
# Prepared the first time a Docker stack comes up (npm run up), or for the tests (npm test), not here:
# a lab of processes needs none of it. setup/docker/prepare.sh says what it does.

finish_step
[ $quiet = 1 ] || say "pulumi $("$pulumi_bin_dir/pulumi" version) in $pulumi_bin_dir"

# --- The stamp: what this setup depended on, then what it made (see the top) -------------------------
prometheus_made=$(command -v prometheus || echo "$prom_root/current/bin/prometheus")
mkdir -p "$(dirname "$stamp")"
{ setup_key; printf '%s\n' "$build_dir" "$pulumi_bin_dir/pulumi" "$kafka_home/libs" "$cache/admin/$admin_key" "$jmx_dir/jmx_prometheus_javaagent-$jmx_version.jar" "$prometheus_made"; } >"$stamp.tmp"
mv "$stamp.tmp" "$stamp"
