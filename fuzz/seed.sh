#!/usr/bin/env bash
# (Re)create the seed corpora in fuzz/corpus/ (git-ignored):
#   lint_all:    every fixture and tests/data/report file under 16 KiB, as it is;
#   lint_markup: the hand-made byte sequences in fuzz/seeds/lint_markup/ (each byte picks a
#                fragment of consentlint_fuzz::PIECES / WORDS; see src/lib.rs).
# Existing corpus files are kept: the fuzzer's own finds accumulate there.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/lint_all fuzz/corpus/lint_markup
find fixtures tests/data/report -type f -size -16k | while read -r f; do
  cp "$f" "fuzz/corpus/lint_all/$(echo "$f" | tr '/' '_')"
done
cp fuzz/seeds/lint_markup/* fuzz/corpus/lint_markup/
echo "lint_all: $(ls fuzz/corpus/lint_all | wc -l) files; lint_markup: $(ls fuzz/corpus/lint_markup | wc -l) files"
