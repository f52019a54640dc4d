#!/usr/bin/env bash
# Installs the Debian packages the local stack and the tests need, only when they are missing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# A JDK, not only the runtime: the local stack compiles the small launcher that binds DynamoDB
# Local to 127.0.0.1 (infra/local/java).
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
# Emoji in messages are drawn in colour (the browser tests check it).
dpkg-query -W -f='${Status}' fonts-noto-color-emoji 2>/dev/null | grep -q "ok installed" || missing+=(fonts-noto-color-emoji)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi
echo "installing: ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
