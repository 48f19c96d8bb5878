#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver (used by the dashboard's browser test through Selenium) when
# /usr/bin/chromium or /usr/bin/chromedriver is missing. Never downloads a browser from elsewhere. Idempotent.
# Usage: source it and call browsers_install, or run it directly.

browsers_install() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    return 0
  fi
  echo "installing chromium and chromium-driver (apt)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get -o DPkg::Lock::Timeout=600 install -y chromium chromium-driver >/dev/null; then
    apt-get -o DPkg::Lock::Timeout=600 update >/dev/null &&
      apt-get -o DPkg::Lock::Timeout=600 install -y chromium chromium-driver >/dev/null || return 1
  fi
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  browsers_install
fi
