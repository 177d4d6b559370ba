#!/usr/bin/env bash
# Installs the Debian packages the test suites and benchmarks use: real Postfix and Dovecot
# (their system services are never started), the oracles (openssl, sslscan, testssl.sh,
# ldns-dane, posttls-finger), unbound with ldnsutils for the DNSSEC-signed test zones
# (dig from bind9-dnsutils for looking at them), and python3-jinja2, which renders the Jinja
# config templates our template reading is held against.
# Needs root. Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(postfix dovecot-core dovecot-imapd dovecot-pop3d dovecot-managesieved dovecot-lmtpd
  dovecot-sieve openssl sslscan testssl.sh procps
  ldnsutils unbound bind9-dnsutils python3-jinja2)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo bash scripts/install-system-packages.sh" >&2
  exit 1
fi

# Keep dpkg from starting the system's own daemons on the standard ports.
created_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"
[ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d
exit 0
