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
# The mail tests and the local stack run a real IMAP server (Dovecot, started on loopback with a
# configuration of their own, never the system's service); mbsync is the mail benchmark's floor.
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
command -v mbsync >/dev/null 2>&1 || missing+=(isync)

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
# Installing dovecot-imapd starts the system's Dovecot on every interface; nothing here uses it
# (the tests and the local stack start their own on 127.0.0.1): stop it and keep it off.
if [[ " ${missing[*]} " == *" dovecot-imapd "* ]] && [ -d /run/systemd/system ]; then
  $sudo systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
fi
