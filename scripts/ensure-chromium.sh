#!/usr/bin/env bash
# Makes sure a Chromium is available for the browser tests. Installs Debian's package when
# it is missing and we are allowed to (root with apt-get); otherwise explains what to do.
set -euo pipefail
chromium="${1:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "Chromium not found at $chromium: installing Debian's 'chromium' package…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x "$chromium" ] && exit 0
fi
cat >&2 <<MSG
Chromium is required for the browser tests and was not found at $chromium.
Install it with your package manager (Debian/Ubuntu: sudo apt-get install chromium),
or point CHROMIUM=/path/to/chromium at an existing Chromium or Chrome binary:
  make test CHROMIUM=/path/to/chromium
MSG
exit 1
