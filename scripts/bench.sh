#!/usr/bin/env bash
# Side-by-side benchmark: consentlint against the parse-only floor (read + html5ever parse of the
# same files, same parallelism), htmlhint and html-validate, on a reproducible generated corpus.
#
#   scripts/bench.sh                 # 20,000 files (about 200 MB); takes a few minutes
#   scripts/bench.sh --files 4000    # quicker
#
# Options:
#   --files N            corpus size in files (default 20000; about 10 KB a file, plus a few
#                        very large files of 2 to 6 MB)
#   --seed S             corpus seed (default 1); the corpus is byte-identical for a given N and S
#   --peer-files N|all   time html-validate on the first N files of the corpus and extrapolate
#                        (clearly labelled) to all of it; `all` runs it on everything (slow: many
#                        minutes and several GB of memory on the default corpus). Default 1000
#   --precommit-files N  files named on the command line for the pre-commit sized run (default 500)
#   --runs N             runs of each consentlint and floor measurement; the median is shown
#                        (default 3; htmlhint and html-validate run once)
#   --dir DIR            where the corpus and the npm tools go (default target/bench)
#   --no-peers           skip htmlhint and html-validate (no npm needed)
#   --max-load L         before each group of runs, wait (up to --max-wait seconds) until other
#                        processes keep at most L cores busy (measured over 3 s from /proc/stat);
#                        a run during which they used more than L CPU seconds per second of
#                        wall time is repeated, at most twice (default 0.3)
#   --max-wait S         default 600
#
# Needs: cargo, python3 (standard library), GNU time as /usr/bin/time (installed with apt-get if
# missing), and for the peers node + npm with the npm registry reachable (htmlhint and
# html-validate are installed, pinned, into DIR/npm the first time).
#
# What is timed: every tool runs in the corpus directory on the same files, after every file has
# been read once so that all of them find the files in the page cache. Wall time is measured
# around each process (process start included); peak RSS is GNU time's %M. "others' CPU s" is
# the CPU time other processes used during the run (all CPU time in /proc/stat minus the tool's
# own user+sys time, in 10 ms ticks): close to 0 means the figures are clean.
set -euo pipefail
export LC_ALL=C

HTMLHINT_VERSION=1.9.2
# 10.x is the newest line that runs on Node 20 (11.x needs Node 22.22+).
HTML_VALIDATE_VERSION=10.17.0

files=20000
seed=1
peer_files=1000
precommit_files=500
runs=3
dir=
peers=1
max_load=0.3
max_wait=600

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die() {
  echo "bench.sh: $*" >&2
  exit 2
}
need_int() { [[ $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || die "$1 needs a positive whole number, not '$2'"; }

while (($#)); do
  case $1 in
    --files) need_int "$1" "${2-}"; files=$2; shift 2 ;;
    --seed) need_int "$1" "${2-}"; seed=$2; shift 2 ;;
    --peer-files) [[ ${2-} == all ]] || need_int "$1" "${2-}"; peer_files=$2; shift 2 ;;
    --precommit-files) need_int "$1" "${2-}"; precommit_files=$2; shift 2 ;;
    --runs) need_int "$1" "${2-}"; runs=$2; shift 2 ;;
    --dir) [[ -n ${2-} ]] || die "--dir needs a directory"; dir=$2; shift 2 ;;
    --no-peers) peers=0; shift ;;
    --max-load) [[ ${2-} =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--max-load needs a number"; max_load=$2; shift 2 ;;
    --max-wait) need_int "$1" "${2-}"; max_wait=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
dir=${dir:-$repo/target/bench}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# ---- tools ---------------------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 is needed to generate the corpus"
command -v cargo >/dev/null || die "cargo is needed to build consentlint"
if [[ ! -x /usr/bin/time ]]; then
  echo "== installing GNU time (Debian package 'time') for peak RSS"
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" apt-get install -y time >/dev/null || die "could not install /usr/bin/time (apt-get install time)"
fi

echo "== building: cargo build --release && cargo build --release --example parse_floor"
cargo build --release --quiet
cargo build --release --quiet --example parse_floor
consentlint=$repo/target/release/consentlint
floor=$repo/target/release/examples/parse_floor

npm_dir=$dir/npm
htmlhint=$npm_dir/node_modules/.bin/htmlhint
html_validate=$npm_dir/node_modules/.bin/html-validate
installed_version() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$1" 2>/dev/null || true; }
if ((peers)); then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    die "node and npm are needed for the peers (or use --no-peers)"
  fi
  if [[ $(installed_version "$npm_dir/node_modules/htmlhint/package.json") != "$HTMLHINT_VERSION" ||
    $(installed_version "$npm_dir/node_modules/html-validate/package.json") != "$HTML_VALIDATE_VERSION" ]]; then
    echo "== installing htmlhint@$HTMLHINT_VERSION html-validate@$HTML_VALIDATE_VERSION into $npm_dir"
    npm install --prefix "$npm_dir" --no-audit --no-fund --loglevel=error \
      "htmlhint@$HTMLHINT_VERSION" "html-validate@$HTML_VALIDATE_VERSION" >/dev/null
  fi
fi

# ---- corpus --------------------------------------------------------------------------------
corpus=$dir/corpus-$files-s$seed
echo "== corpus"
python3 scripts/gen_corpus.py "$corpus" --files "$files" --seed "$seed"

work=$(mktemp -d "${TMPDIR:-/tmp}/consentlint-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
results=$dir/results-$files-s$seed.tsv
: >"$results"

cd "$corpus"
rm -rf .consentlint_cache
# The files consentlint checks here; every other tool gets exactly these.
"$consentlint" check . --no-config --show-files | sed 's|^\./||' | sort >"$work/all"
sort MANIFEST | cmp -s - "$work/all" || die "consentlint does not see exactly the files in $corpus/MANIFEST"
mapfile -t all <MANIFEST
total_files=${#all[@]}

bytes_of() { # file list on stdin -> total bytes
  tr '\n' '\0' | xargs -0 stat -c %s | awk '{ s += $1 } END { print s + 0 }'
}
total_bytes=$(printf '%s\n' "${all[@]}" | bytes_of)

# Pre-commit sized: evenly spaced regular files (not the very large ones), named on the command line.
mapfile -t precommit < <(grep -v '^large/' MANIFEST | awk -v n="$precommit_files" '
  { f[NR] = $0 } END { if (n > NR) n = NR; for (i = 0; i < n; i++) print f[int(i * NR / n) + 1] }')
precommit_bytes=$(printf '%s\n' "${precommit[@]}" | bytes_of)

# html-validate subset: the first N files of the manifest (the kinds are interleaved there).
if [[ $peer_files == all ]] || ((peer_files >= total_files)); then
  subset=()
else
  subset=("${all[@]:0:peer_files}")
  subset_bytes=$(printf '%s\n' "${subset[@]}" | bytes_of)
fi

# Extensions present, for the peers' own directory walks.
exts=$(sed -n 's/.*\.\([A-Za-z0-9]*\)$/\1/p' MANIFEST | sort -u | paste -sd, -)

# Everything read once, so that no tool pays for the disk and all find the same page cache.
printf '%s\0' "${all[@]}" | xargs -0 cat >/dev/null

# ---- timing --------------------------------------------------------------------------------
hz=$(getconf CLK_TCK)
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# Cores kept busy by other processes over the next 3 seconds (we run nothing meanwhile). This,
# unlike the load average, does not count our own previous runs.
others_now() {
  local c0 c1
  c0=$(cpu_busy)
  sleep 3
  c1=$(cpu_busy)
  awk -v a="$c0" -v b="$c1" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz / 3 }'
}
above() { awk -v x="$1" -v m="$2" 'BEGIN { exit !(x > m) }'; }

wait_quiet() {
  local waited=0 busy
  busy=$(others_now)
  while above "$busy" "$max_load"; do
    if ((waited >= max_wait)); then
      echo "   warning: other processes still use $busy cores after ${max_wait}s; timing anyway (see the \"others' CPU s\" column)"
      return
    fi
    echo "   other processes use $busy cores (load average $(loadavg)); waiting for at most $max_load..."
    sleep 12
    waited=$((waited + 15))
    busy=$(others_now)
  done
}

before_each= # a command run before each attempt of the next run (not timed)

# run GROUP ID LABEL FILES BYTES -- COMMAND...: time one run, append a line to $results.
# Exit codes 0 and 1 (findings) are fine; anything else stops the benchmark. A run during which
# other processes kept more than --max-load cores busy is thrown away and repeated (at most
# twice, after waiting for quiet).
run() {
  local group=$1 id=$2 label=$3 nfiles=$4 nbytes=$5
  shift 6
  local rc c0 c1 t0 t1 rss user sys line attempt
  for attempt in 1 2 3; do
    rc=0
    if [[ -n $before_each ]]; then eval "$before_each"; fi
    c0=$(cpu_busy)
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%M %U %S' -o "$work/time" "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
    t1=$EPOCHREALTIME
    c1=$(cpu_busy)
    if ((rc > 1)); then
      echo "bench.sh: '$label' exited with $rc:" >&2
      tail -n 20 "$work/stderr" >&2
      exit 1
    fi
    read -r rss user sys < <(tail -n 1 "$work/time")
    line=$(awk -v g="$group" -v i="$id" -v l="$label" -v f="$nfiles" -v b="$nbytes" -v t0="$t0" -v t1="$t1" \
      -v rss="$rss" -v u="$user" -v s="$sys" -v c0="$c0" -v c1="$c1" -v hz="$hz" 'BEGIN {
        wall = t1 - t0; other = (c1 - c0) / hz - u - s; if (other < 0) other = 0
        printf "%s\t%s\t%s\t%d\t%d\t%.4f\t%d\t%.2f\t%.2f\t%.3f\n", g, i, l, f, b, wall, rss, u, s, other
      }')
    local wall others
    wall=$(cut -f6 <<<"$line")
    others=$(cut -f10 <<<"$line")
    printf '   %-64s %8.3f s %6.0f MB  others used %s CPU s\n' "$label" "$wall" "$((rss / 1024))" "$others"
    # /proc/stat counts in 10 ms ticks: judge short runs as if they took a second.
    if ((attempt < 3)) && above "$others" "$(awk -v w="$wall" -v m="$max_load" 'BEGIN { print m * (w > 1 ? w : 1) }')"; then
      echo "   (other processes were busy: again)"
      wait_quiet
      continue
    fi
    break
  done
  printf '%s\n' "$line" >>"$results"
}

built_from=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')
if ! git -C "$repo" diff --quiet HEAD -- src rules Cargo.toml Cargo.lock 2>/dev/null; then
  built_from="$built_from with uncommitted changes in src/, rules/ or Cargo.*"
fi
echo "== machine: $(nproc) cores, $(uname -srm); consentlint built from $built_from"
echo "== corpus: $total_files files, $((total_bytes / 1000000)) MB in $corpus"
wait_quiet
echo "== timing (load average at start: $(loadavg))"
mb=$(awk -v b="$total_bytes" 'BEGIN { printf "%.0f", b / 1e6 }')
for ((r = 1; r <= runs; r++)); do
  run corpus floor "parse-only floor (read + html5ever, rayon)" "$total_files" "$total_bytes" -- "$floor" .
  run corpus consentlint "consentlint check . --no-cache --quiet" "$total_files" "$total_bytes" -- \
    "$consentlint" check . --no-config --no-cache --quiet
  before_each="rm -rf .consentlint_cache"
  run corpus consentlint-cold "consentlint, first run writing the cache" "$total_files" "$total_bytes" -- \
    "$consentlint" check . --no-config --quiet
  before_each=
  run corpus consentlint-warm "consentlint, warm-cache re-run (tree unchanged)" "$total_files" "$total_bytes" -- \
    "$consentlint" check . --no-config --quiet
done
wait_quiet
for ((r = 1; r <= runs; r++)); do
  run precommit floor "parse-only floor on the same files" "${#precommit[@]}" "$precommit_bytes" -- "$floor" "${precommit[@]}"
  run precommit consentlint "consentlint check FILE... --no-cache --quiet" "${#precommit[@]}" "$precommit_bytes" -- \
    "$consentlint" check --no-config --no-cache --quiet "${precommit[@]}"
  run precommit consentlint-cache "consentlint check FILE... --quiet, whole tree's cache present" \
    "${#precommit[@]}" "$precommit_bytes" -- "$consentlint" check --no-config --quiet "${precommit[@]}"
done
rm -rf .consentlint_cache

if ((peers)); then
  wait_quiet
  glob="**/*.{$exts}"
  [[ $exts == *,* ]] || glob="**/*.$exts"
  run corpus htmlhint "htmlhint $HTMLHINT_VERSION (default rules)" "$total_files" "$total_bytes" -- \
    "$htmlhint" --nocolor "$glob"
  scanned=$(sed -n 's/.*Scanned \([0-9]*\) files.*/\1/p' "$work/stdout" | tail -n 1)
  [[ $scanned == "$total_files" ]] || echo "   warning: htmlhint scanned ${scanned:-?} files, not $total_files" >&2
  if ((${#subset[@]})); then
    wait_quiet
    for ((r = 1; r <= runs; r++)); do
      run subset floor "parse-only floor on the same files" "${#subset[@]}" "$subset_bytes" -- "$floor" "${subset[@]}"
      run subset consentlint "consentlint check FILE... --no-cache --quiet" "${#subset[@]}" "$subset_bytes" -- \
        "$consentlint" check --no-config --no-cache --quiet "${subset[@]}"
    done
    run subset html-validate "html-validate $HTML_VALIDATE_VERSION --preset recommended" "${#subset[@]}" "$subset_bytes" -- \
      "$html_validate" --preset recommended "${subset[@]}"
  else
    # A whole corpus needs more than Node's default heap.
    NODE_OPTIONS=--max-old-space-size=16384 run corpus html-validate \
      "html-validate $HTML_VALIDATE_VERSION --preset recommended" "$total_files" "$total_bytes" -- \
      "$html_validate" --preset recommended --ext "$exts" .
  fi
fi
echo "== load average at end: $(loadavg)"
echo
echo "$total_files files, $mb MB (corpus seed $seed); consentlint built from $built_from; $(nproc) cores; consentlint and the floor use rayon on all cores, htmlhint and html-validate are single-threaded Node programs"
echo
python3 "$repo/scripts/bench_table.py" "$results"
echo
echo "(raw runs: $results)"
