#!/usr/bin/env bash
# Fetches a real Dovecot 2.4 for the config oracle: Debian 13 (trixie)'s dovecot-core and the
# libraries it links, downloaded with a private apt sources list and state (the machine's own
# apt configuration is never changed) and unpacked with dpkg-deb into a cache directory outside
# the repository. Nothing is installed. scripts/doveconf24.sh runs its doveconf.
# Prints the unpacked root on its last line. Safe to run again.
set -euo pipefail

SUITE=trixie
cache_root="${MAIL_TLS_DOVECOT24_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mail-tls-inspector}"
work="$cache_root/dovecot24-$SUITE"
root="$work/root"

log() { echo "install-dovecot24: $*" >&2; }

if [ -f "$root/.complete" ]; then
  echo "$root"
  exit 0
fi

for tool in apt-get apt-cache dpkg-deb; do
  command -v "$tool" >/dev/null || { log "$tool is missing (a Debian machine is needed)"; exit 1; }
done
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || { log "$keyring is missing: install debian-archive-keyring"; exit 1; }

apt_dir="$work/apt"
rm -rf "$apt_dir" "$root"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs" "$root"
: > "$apt_dir/status"
echo "deb [signed-by=$keyring] http://deb.debian.org/debian $SUITE main" > "$apt_dir/sources.list"
apt_opts=(
  -o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=-
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
  -o "Dir::State::status=$apt_dir/status" -o Debug::NoLocking=1 -o APT::Sandbox::User=root
  -o APT::Architecture="$(dpkg --print-architecture)" -o APT::Architectures=
)

log "reading the $SUITE package lists"
apt-get "${apt_opts[@]}" -qq update >&2

# dovecot-core, its protocol and Sieve packages (their settings are what doveconf knows), and
# the shared libraries in their dependency closure; tools such as perl or adduser are not
# needed to run doveconf.
wanted=(dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd dovecot-managesieved dovecot-sieve dovecot-submissiond)
mapfile -t closure < <(apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests \
  --no-conflicts --no-breaks --no-replaces --no-enhances "${wanted[@]}" | grep -v '^ ' | grep -v '^<' | sort -u)
packages=("${wanted[@]}")
for p in "${closure[@]}"; do
  case "$p" in lib*) packages+=("$p") ;; esac
done
log "downloading ${#packages[@]} packages"
(cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" -qq download "${packages[@]}" >&2)

for deb in "$apt_dir/debs"/*.deb; do
  dpkg-deb -x "$deb" "$root"
done
version=$(dpkg-deb -f "$apt_dir/debs"/dovecot-core_*.deb Version)
printf '%s\n' "$version" > "$root/.version"
rm -rf "$apt_dir/lists" "$apt_dir/cache"
touch "$root/.complete"
log "Dovecot $version unpacked into $root"
echo "$root"
