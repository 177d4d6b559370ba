#!/usr/bin/env bash
# Runs Debian 13's doveconf (Dovecot 2.4), unpacked by scripts/install-dovecot24.sh, on this
# machine: with its own dynamic loader and libraries, in a private mount namespace where its
# /usr/lib/dovecot is bind-mounted over the system's, so that it loads its own settings plugins
# and never the installed 2.3's. Arguments go to doveconf unchanged.
set -euo pipefail

cache_root="${MAIL_TLS_DOVECOT24_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mail-tls-inspector}"
root="$cache_root/dovecot24-trixie/root"
if [ ! -f "$root/.complete" ]; then
  echo "doveconf24: Dovecot 2.4 is not unpacked yet: run scripts/install-dovecot24.sh" >&2
  exit 127
fi
# The mount point must exist; creating it would change the machine.
if [ ! -d /usr/lib/dovecot ]; then
  echo "doveconf24: /usr/lib/dovecot is missing (install dovecot-core, see scripts/install-system-packages.sh)" >&2
  exit 127
fi
libs="$root/usr/lib/x86_64-linux-gnu:$root/usr/lib/dovecot"
# Root gets a plain mount namespace; anyone else a user namespace mapped to root.
ns=(-m)
[ "$(id -u)" = 0 ] || ns=(-r -m)
exec unshare "${ns[@]}" -- /bin/sh -c '
  mount -n --bind "$1/usr/lib/dovecot" /usr/lib/dovecot || exit 127
  root=$1 libs=$2
  shift 2
  exec "$root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --library-path "$libs" "$root/usr/bin/doveconf" "$@"
' doveconf24 "$root" "$libs" "$@"
