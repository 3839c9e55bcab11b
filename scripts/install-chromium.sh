#!/usr/bin/env bash
# Installs Debian's Chromium for the Temporal UI browser test (test/operations/temporal-ui.test.ts), and a
# CJK font so that 店小蜜 and the other Chinese text render in its screenshots. playwright-core drives
# this Chromium: Playwright's own browser download needs the internet.
# Without root or apt-get it installs nothing and says so; the browser test then skips, saying why.
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "chromium: using CHROMIUM_PATH=${CHROMIUM_PATH}"
  exit 0
fi
packages=(chromium fonts-wqy-zenhei)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "chromium: $(chromium --version)"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "chromium: not installed and no apt-get here; the Temporal UI browser test will be skipped" >&2
  exit 0
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
    echo "chromium: not installed, and installing needs root (apt-get install ${missing[*]}); the Temporal UI browser test will be skipped" >&2
    exit 0
  fi
fi
echo "chromium: installing ${missing[*]} from Debian"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "chromium: $(chromium --version)"
