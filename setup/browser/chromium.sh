#!/usr/bin/env bash
# setup/browser/chromium.sh: prints the path of a Chromium for headless use, installing Debian's
# `chromium` (and a font for its screenshots) when there is none and we may (root with apt-get). For the
# tests that look at kraftlab's web pages as a person would (test/browser.ts); kraftlab itself needs none.
# Exit status: 0 with the path on stdout; 1 with the reason on stderr.
set -euo pipefail

cache=${KRAFTLAB_CACHE:-$HOME/.cache/kraftlab}
# shellcheck source=setup/kafka/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../kafka/lib.sh"

found() { command -v chromium || command -v chromium-browser; } 2>/dev/null
if ! found >/dev/null; then
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 ||
    fail "no Chromium found. Fix: apt-get install -y chromium (as root), or put chromium on PATH."
  install_chromium() {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
  }
  run_step "Chromium from Debian (for the browser tests)" install_chromium
fi
found
