#!/usr/bin/env bash
# setup/ssh/openssh.sh: makes sure Debian's OpenSSH server is at /usr/sbin/sshd, installing
# `openssh-server` when it is missing and we may (root with apt-get). For the SSH runtime's tests
# (test/hosts.ts), which run one sshd per network namespace; kraftlab itself needs none.
# Exit status: 0 silently when sshd is there (one line when it installs); 1 with the reason on stderr.
set -euo pipefail

cache=${KRAFTLAB_CACHE:-$HOME/.cache/kraftlab}
# shellcheck source=setup/kafka/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../kafka/lib.sh"

if [ ! -x /usr/sbin/sshd ]; then
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 ||
    fail "no /usr/sbin/sshd found. Fix: apt-get install -y openssh-server (as root)."
  # The image's policy-rc.d keeps the package from starting an sshd of its own.
  install_openssh() {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server
  }
  run_step "OpenSSH server from Debian (for the SSH runtime tests)" install_openssh
fi
