#!/usr/bin/env bash
# Renders media/icon.svg to media/icon.png (256x256, transparent corners) with headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp media/icon.svg "$work/icon.svg"
cat > "$work/page.html" <<'HTML'
<!doctype html><html><head><style>html,body{margin:0;background:transparent}img{display:block;width:256px;height:256px}</style></head><body><img src="icon.svg"></body></html>
HTML
chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --default-background-color=00000000 \
  --window-size=256,256 --screenshot="$work/icon.png" "file://$work/page.html" 2>/dev/null
cp "$work/icon.png" media/icon.png
echo "wrote media/icon.png"
