#!/usr/bin/env bash
# build.sh KAFKA_HOME OUT_DIR: compiles the *.java beside this script (the cluster client, the drills' load) into OUT_DIR, against
# KAFKA_HOME/libs/*, for Java 17. Silent on success; on failure the compiler's errors (if any) and one
# line saying what failed, exit status non-zero.
# Compiler: javac; without it, the JDK from Debian when we may (root with apt-get), else Eclipse's
# batch compiler (ecj, from Maven Central through mvn), which runs on the java we already need.
# OUT_DIR appears whole: built in a temporary directory beside it, then renamed into place.
set -euo pipefail

fail() { printf 'kraftlab admin build: ERROR: %s\n' "$*" >&2; exit 1; }

[ $# = 2 ] || { echo "usage: $0 KAFKA_HOME OUT_DIR" >&2; exit 2; }
kafka_home=$1 out=${2%/}
src_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src=("$src_dir"/*.java)
# Eclipse's compiler, when javac is missing: 3.42.0 runs on Java 17 (its classes are Java 17's).
ecj_version=3.42.0

compgen -G "$kafka_home/libs/kafka-clients-*.jar" >/dev/null || fail "no Kafka distribution at $kafka_home (no libs/kafka-clients-*.jar)"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
javac=${JAVA_HOME:+$JAVA_HOME/bin/}javac
command -v "$java" >/dev/null 2>&1 || fail "java (17 or later) is needed and not found; install a JDK, e.g. apt-get install -y openjdk-17-jdk-headless"

mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$(dirname "$out")/.$(basename "$out").XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/classes"

# The jars one by one: ecj does not expand a "libs/*" class path entry as javac does.
classpath=$(printf '%s:' "$kafka_home"/libs/*.jar)
classpath=${classpath%:}

# A Debian JDK when javac is missing and we are root with apt-get (its output only on failure).
if ! command -v "$javac" >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless; } >"$tmp/apt.log" 2>&1 ||
    { tail -n 20 "$tmp/apt.log" >&2; fail "apt-get install openjdk-17-jdk-headless failed (above: the end of its output)"; }
  # The package's javac, even when JAVA_HOME points elsewhere.
  command -v "$javac" >/dev/null 2>&1 || javac=javac
fi

if command -v "$javac" >/dev/null 2>&1; then
  "$javac" --release 17 -encoding UTF-8 -nowarn -cp "$classpath" -d "$tmp/classes" "${src[@]}" ||
    fail "javac could not compile ${src[*]} against $kafka_home/libs"
else
  command -v mvn >/dev/null 2>&1 ||
    fail "javac is missing and Maven (mvn) too, so Eclipse's compiler cannot be fetched; install a JDK (apt-get install -y openjdk-17-jdk-headless) or Maven"
  mvn -B -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.eclipse.jdt:ecj:$ecj_version" -DoutputDirectory="$tmp/ecj" >"$tmp/mvn.log" 2>&1 ||
    { tail -n 20 "$tmp/mvn.log" >&2; fail "fetching org.eclipse.jdt:ecj:$ecj_version from Maven Central failed (above: the end of Maven's output)"; }
  "$java" -jar "$tmp/ecj/ecj-$ecj_version.jar" --release 17 -encoding UTF-8 -nowarn \
    -cp "$classpath" -d "$tmp/classes" "${src[@]}" ||
    fail "ecj could not compile ${src[*]} against $kafka_home/libs"
fi

# Into place: an old OUT_DIR moves aside first, so OUT_DIR is never half-written.
if [ -e "$out" ]; then
  mv "$out" "$tmp/old"
fi
mv "$tmp/classes" "$out"
