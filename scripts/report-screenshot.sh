#!/usr/bin/env bash
# docs/report.png: a real `consentlint audit` report of examples/audit-site, served on
# 127.0.0.1 and crawled, then photographed by headless Chromium. Needs python3 and chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
port=${PORT:-8731}
python3 -m http.server "$port" --bind 127.0.0.1 --directory examples/audit-site >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$out"' EXIT
sleep 1
cargo run --quiet -- audit "http://127.0.0.1:$port/" --report "$out/report.html" --format concise || true
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$out/profile" --hide-scrollbars --window-size=1000,1800 \
  --screenshot="$PWD/docs/report.png" "file://$out/report.html"
echo "wrote docs/report.png"
