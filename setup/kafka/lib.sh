# Sourced, not run: the helpers scripts/setup.sh and setup/kafka/layout.sh share (one copy of each).
# Needs $cache (the cache directory; set here from KRAFTLAB_CACHE when the caller has not).
# shellcheck shell=bash
cache=${cache:-${KRAFTLAB_CACHE:-$HOME/.cache/kraftlab}}

say() { printf 'kraftlab setup: %s\n' "$*" >&2; }
fail() { printf 'kraftlab setup: ERROR: %s\n' "$*" >&2; exit 1; }

# run_step NAME FUNCTION [WITHOUT]: runs FUNCTION with its tools' output (go, mvn, apt, npm) in a log
# under the cache, and prints one line: NAME, then how long it took. On failure: the log's tail and
# its path. With WITHOUT (what happens without it), a failure is a warning and the caller goes on.
# $step_explain, when set, names a function that gets the log of a failed step first: it may end the
# run with a one-line reason of its own instead of the log's tail. $step_log_tag, when set, goes into
# the log's name (steps of the same function for different versions keep their own logs).
run_step() {
  local started=$SECONDS log
  mkdir -p "$cache/logs"
  log="$cache/logs/setup-$(printf '%s' "$2" | tr '_' '-')${step_log_tag:+-$step_log_tag}.log"
  printf 'kraftlab setup: %s ... ' "$1" >&2
  # FUNCTION stops at its first failing command: set -e, which bash ignores in a condition's subshell.
  local rc=0
  set +e
  (set -e && "$2") >"$log" 2>&1
  rc=$?
  set -e
  if [ $rc = 0 ]; then
    printf 'done in %s s\n' "$((SECONDS - started))" >&2
  elif [ -n "${3:-}" ]; then
    printf 'FAILED after %s s, %s (log: %s)\n' "$((SECONDS - started))" "$3" "$log" >&2
  else
    printf 'FAILED after %s s\n' "$((SECONDS - started))" >&2
    [ -z "${step_explain:-}" ] || "$step_explain" "$log"
    tail -n 30 "$log" >&2
    fail "$1 failed (above: the end of its log; all of it: $log)"
  fi
}

# start_step NAME FUNCTION: a long step (minutes of compiling) run alongside the steps after it, its
# output in its log as run_step's; finish_step waits for it, then says how long it took, or fails with
# its log's tail. One at a time.
start_step() {
  mkdir -p "$cache/logs"
  bg_name=$1
  bg_log="$cache/logs/setup-$(printf '%s' "$2" | tr '_' '-').log"
  bg_started=$SECONDS
  say "$1: started, alongside the next steps"
  (set -e && "$2") >"$bg_log" 2>&1 &
  bg_pid=$!
}
finish_step() {
  [ -n "${bg_pid:-}" ] || return 0
  local rc=0
  wait "$bg_pid" || rc=$?
  bg_pid=
  if [ $rc = 0 ]; then
    say "$bg_name ... done in $((SECONDS - bg_started)) s"
  else
    tail -n 30 "$bg_log" >&2
    fail "$bg_name failed (above: the end of its log; all of it: $bg_log)"
  fi
}

# apt_install PACKAGE: installs a Debian package when we may (root with apt-get), else returns 1.
apt_install() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
  # shellcheck disable=SC2317,SC2154 # run by run_step; deb_package is set for that call
  install_deb() {
    apt-get update -qq || true # old package lists may do
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb_package"
  }
  deb_package=$1 run_step "Debian package $1" install_deb
}

# maven_copy POM DIR WHAT [FIX [MAVEN_ARGS...]]: copies POM's runtime dependencies from Maven Central
# into DIR (Maven from Debian when it is missing and we may); FIX is the alternative the error offers,
# MAVEN_ARGS more arguments for mvn (such as -Dkafka.version=4.2.2).
maven_copy() {
  command -v mvn >/dev/null 2>&1 || apt_install maven || true
  command -v mvn >/dev/null 2>&1 || fail "Maven is needed to fetch $3 from Maven Central. Fix: apt-get install -y maven${4:+, or $4}."
  mkdir -p "$2"
  mvn -B -Dstyle.color=never -f "$1" "${@:5}" dependency:copy-dependencies -DoutputDirectory="$2" -DincludeScope=runtime ||
    fail "fetching $3 from Maven Central failed. Fix: check that Maven Central is reachable${4:+, or $4}."
}
