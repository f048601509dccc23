#!/usr/bin/env bash
# Lint a corpus of real templates and forms and print what a reviewer needs: per-rule counts,
# every finding (path:line:col rule message), each file's document kind and why, and the files
# that produced nothing (to look for misses).
#
#   scripts/eval-corpus.sh ../shared/corpus/real
set -euo pipefail
dir=${1:?usage: scripts/eval-corpus.sh DIR}
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/consentlint
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$dir"
"$bin" check . --no-cache --no-config --format concise >"$tmp/findings" 2>/dev/null || true
"$bin" check . --no-cache --no-config --format json --verbose >"$tmp/json" 2>"$tmp/kinds" || true

echo "== per rule"
"$bin" check . --no-cache --no-config --statistics 2>/dev/null || true
echo
echo "== findings"
cat "$tmp/findings"
echo
echo "== document kinds"
grep -v '^cache:' "$tmp/kinds" || true
echo
echo "== files with no finding"
python3 - "$tmp/json" "$tmp/kinds" <<'PY'
import json, sys
flagged = {d["path"] for d in json.load(open(sys.argv[1]))["diagnostics"]}
for line in open(sys.argv[2]):
    path = line.split(": ", 1)[0]
    if ": " in line and path not in flagged:
        print(path)
PY
