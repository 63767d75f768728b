#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the build and the tests need, when missing.
# Usage: scripts/setup-deps.sh [extra packages...]
set -euo pipefail

packages=(pkg-config libarchive-dev libxml2-dev libpoppler-glib-dev libsqlite3-dev libpq-dev libssl-dev libuchardet-dev zlib1g-dev libdeflate-dev libzstd-dev librsvg2-dev pigz sqlite3 postgresql python3 jq chromium "$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "swift not found: install a Swift 6 toolchain (https://www.swift.org/install/linux/) and put it on PATH" >&2
  exit 69
fi
