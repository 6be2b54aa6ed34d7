#!/usr/bin/env bash
# layout.sh [VERSION]: lays out Kafka VERSION (4.x; default: pom.xml's <kafka.version>) from Maven Central
# into $KRAFTLAB_CACHE/kafka/VERSION (default cache ~/.cache/kraftlab), as scripts/setup.sh does for
# the default version, and prints that directory's path on stdout, nothing else. Progress goes to
# stderr, and only for steps that do work: a version already laid out costs a fraction of a second.
#   kafka/VERSION/{libs,bin,config}  the runtime closure of kafka_2.13 and kafka-tools (pom.xml,
#                                    -Dkafka.version=VERSION), the bin/ wrappers (tools.txt: a tool whose
#                                    classes this version lacks gets none, with a note), log4j2 configs
#   kafka/VERSION/.stamp             what it was built from: setup/kafka's files (but versions.txt) + VERSION
#   kafka/VERSION/kafka.jsa{,.stamp} its AppCDS archive (cds.sh), when java is there; a failure there
#                                    is a warning (JVMs start without it), remembered in
#                                    kafka.jsa.failed.stamp until the JDK, the jars or cds.sh change
# The directory appears whole (built in a temporary directory beside it, then moved into place), and
# concurrent runs wait for each other (flock on kafka/.lock).
# Exit status: 0 laid out (or already); 1 the setup failed (Maven missing, Maven Central unreachable,
# ...: the error says what to do); 2 usage, or VERSION is no Kafka 4.x release that Maven Central
# serves complete. setup/kafka/versions.txt lists the versions verified with kraftlab.
set -euo pipefail

kafka_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${KRAFTLAB_CACHE:-$HOME/.cache/kraftlab}
# shellcheck source=setup/kafka/lib.sh
. "$kafka_dir/lib.sh"

verified() { sed -E 's/#.*//' "$kafka_dir/versions.txt" | xargs; }
# refuse MESSAGE: the one line for a version we cannot lay out; exit status 2.
refuse() {
  printf 'kraftlab setup: ERROR: %s. Versions verified with kraftlab (setup/kafka/versions.txt): %s\n' "$1" "$(verified)" >&2
  exit 2
}

default_version=$(sed -nE 's|.*<kafka.version>([^<]+)</kafka.version>.*|\1|p' "$kafka_dir/pom.xml")
if [ $# -gt 1 ] || [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
  echo "usage: $0 [VERSION]: lays out Kafka VERSION (4.x; default $default_version) and prints its directory" >&2
  exit 2
fi
version=${1:-$default_version}
# 4.x only: the wrappers (tools.txt) and the node's settings are Kafka 4's.
[[ $version =~ ^4\.[0-9]+\.[0-9]+$ ]] || refuse "Kafka '$version' is not a Kafka 4.x release version (such as 4.3.1)"

home="$cache/kafka/$version"
# Rebuilt when what setup/kafka holds changes (by content: a fresh clone's new mtimes change nothing);
# versions.txt only documents, so a new line there rebuilds nothing.
stamp=$({ cd "$kafka_dir" && find . -type f ! -name versions.txt -print0 | sort -z | xargs -0 sha256sum; echo "$version"; } | sha256sum | cut -c1-16)
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
have_java=0
command -v "$java_bin" >/dev/null 2>&1 && have_java=1
cds_archive="$home/kafka.jsa"
# The archive is rebuilt when the JDK, the jars or the recipe change; a JVM it does not fit ignores it.
# The JVM an archive fits, by its files (the launcher and libjvm, their size and time: a JDK upgraded in
# place changes them), not by `java -version`: no JVM started to learn that nothing changed.
jvm_files() {
  local java
  java=$(readlink -f "$(command -v "$java_bin")")
  stat -Lc '%n %s %Y' "$java" "$(dirname "$(dirname "$java")")"/lib/server/libjvm.so 2>/dev/null || true
}
cds_stamp() { { jvm_files; stat -c '%n %s' "$home"/libs/*; cat "$kafka_dir/cds.sh"; } | sha256sum | cut -c1-16; }
kafka_current() { [ -f "$home/libs/kafka_2.13-$version.jar" ] && [ "$(cat "$home/.stamp" 2>/dev/null)" = "$stamp" ]; }
# A dump that failed is not tried again at every run, only when what it is made from changes.
cds_failed="$home/kafka.jsa.failed.stamp"
cds_current() {
  [ $have_java = 0 ] && return 0
  local now
  now=$(cds_stamp)
  { [ -f "$cds_archive" ] && [ "$(cat "$cds_archive.stamp" 2>/dev/null)" = "$now" ]; } || [ "$(cat "$cds_failed" 2>/dev/null)" = "$now" ]
}

# Fast path: nothing to do.
if kafka_current && cds_current; then
  # --- The release's feature levels (kafka-features version-mapping): the program checks kraftlab:features
# against them before anything is touched.
if [ ! -s "$home/version-mapping.txt" ]; then
  # Releases before 4.3 want a bootstrap server even here, where none is asked: port 1 of loopback.
  "$home/bin/kafka-features.sh" --bootstrap-server 127.0.0.1:1 version-mapping >"$home/version-mapping.txt.tmp" 2>/dev/null &&
    mv "$home/version-mapping.txt.tmp" "$home/version-mapping.txt" ||
    { rm -f "$home/version-mapping.txt.tmp"; say "note: kafka-features version-mapping failed; kraftlab:features is checked when it is finalized"; }
fi

printf '%s\n' "$home"
  exit 0
fi

mkdir -p "$cache/kafka"
# One layout at a time (they share Maven's local repository, and two of one version the directory):
# the next one waits, then finds its work done or does it.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache/kafka/.lock"
  flock 9
fi
# shellcheck disable=SC2034 # run_step (lib.sh) reads it
step_log_tag=$version

# --- The distribution: jars from Maven Central, the bin/ wrappers, the log4j2 configs ----------------
tmp=
cleanup() { [ -z "$tmp" ] || rm -rf "$tmp"; }
trap cleanup EXIT
build_kafka() {
  maven_copy "$kafka_dir/pom.xml" "$tmp/libs" "Kafka $version" "set kraftlab:kafkaHome to an official Kafka tarball" \
    -Dkafka.version="$version"
  [ -f "$tmp/libs/kafka_2.13-$version.jar" ] || fail "Maven Central gave no kafka_2.13-$version.jar"
  mkdir -p "$tmp/bin" "$tmp/config"
  install -m 0755 "$kafka_dir/kafka-run-class.sh" "$kafka_dir/kafka-server-start.sh" "$tmp/bin/"
  install -m 0644 "$kafka_dir/config/"*.yaml "$tmp/config/"
  # One wrapper per line of tools.txt, running the first of its classes that the jars hold (a zip
  # stores its entries' names as they are, so grep finds them: whole names, not a longer one's tail).
  local name classes class entry
  while read -r name classes; do
    case "$name" in '' | '#'*) continue ;; esac
    for class in $classes; do
      entry=$(printf '%s' "${class//.//}.class" | sed 's/[.$]/\\&/g')
      grep -qaE "(^|[^A-Za-z0-9_\$/.-])$entry" "$tmp"/libs/*.jar && break
      class=
    done
    if [ -z "$class" ]; then
      echo "bin/$name.sh: Kafka $version has none of $classes" | tee -a "$tmp/.missing"
      continue
    fi
    # shellcheck disable=SC2016 # the wrapper expands these, not us
    printf '#!/usr/bin/env bash\nexec "$(dirname "${BASH_SOURCE[0]}")/kafka-run-class.sh" %s "$@"\n' "$class" >"$tmp/bin/$name.sh"
    chmod 0755 "$tmp/bin/$name.sh"
  done <"$kafka_dir/tools.txt"
  echo "$stamp" >"$tmp/.stamp"
}
# A failed fetch whose log says an artifact is missing: the version is not on Maven Central (complete).
explain_fetch() {
  grep -qE 'Could not find artifact|was not found in|could not be resolved: .*\(absent\)' "$1" || return 0
  refuse "Kafka $version is not on Maven Central complete (kafka_2.13 and kafka-tools $version with their dependencies; log: $1)"
}
if ! kafka_current; then
  tmp=$(mktemp -d "$cache/kafka/.tmp.XXXXXX")
  step_explain=explain_fetch run_step "Kafka $version from Maven Central" build_kafka
  if [ -f "$tmp/.missing" ]; then
    while read -r line; do say "note: no $line (setup/kafka/tools.txt)"; done <"$tmp/.missing"
    rm -f "$tmp/.missing"
  fi
  grep -qxE "$(printf '%s' "$version" | sed 's/\./\\./g')[[:space:]]*(#.*)?" "$kafka_dir/versions.txt" ||
    say "note: Kafka $version is not in setup/kafka/versions.txt: Maven Central serves it, but kraftlab was not tried with it"
  # In place at once: the old directory (if any) moves aside first, then goes.
  old=
  if [ -e "$home" ]; then
    old=$(mktemp -d "$cache/kafka/.old.XXXXXX")
    mv "$home" "$old/"
  fi
  mv "$tmp" "$home"
  tmp=
  [ -z "$old" ] || rm -rf "$old"
fi

# --- AppCDS archive of Kafka's classes: faster starts for every node and tool (cds.sh) ----------------
# Dumped in place: the archive records the jars' paths, which must be those the JVMs will use.
build_cds() {
  local stamp_now
  stamp_now=$(cds_stamp)
  rm -f "$cds_archive" "$cds_archive.stamp" "$cds_failed" # the lists must not come from a stale archive
  bash "$kafka_dir/cds.sh" "$home" "$cds_archive"
  echo "$stamp_now" >"$cds_archive.stamp"
}
if ! cds_current; then
  run_step "AppCDS archive of Kafka $version's classes" build_cds \
    "JVMs start without it (tried again when the JDK, the jars or cds.sh change)"
  [ -f "$cds_archive" ] || cds_stamp >"$cds_failed"
fi

# --- The release's feature levels (kafka-features version-mapping): the program checks kraftlab:features
# against them before anything is touched.
if [ ! -s "$home/version-mapping.txt" ]; then
  # Releases before 4.3 want a bootstrap server even here, where none is asked: port 1 of loopback.
  "$home/bin/kafka-features.sh" --bootstrap-server 127.0.0.1:1 version-mapping >"$home/version-mapping.txt.tmp" 2>/dev/null &&
    mv "$home/version-mapping.txt.tmp" "$home/version-mapping.txt" ||
    { rm -f "$home/version-mapping.txt.tmp"; say "note: kafka-features version-mapping failed; kraftlab:features is checked when it is finalized"; }
fi

printf '%s\n' "$home"
