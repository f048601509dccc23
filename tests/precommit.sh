#!/usr/bin/env bash
# End-to-end test of the pre-commit hook in .pre-commit-hooks.yaml, run by .ci/run.
#
# In a throwaway git repository it checks that
#   (a) `pre-commit try-repo` fails on a sign-up form with a pre-ticked newsletter checkbox,
#       naming the rule and the file (and ignores a .txt file that is not a template),
#   (b) `pre-commit try-repo` passes once the box is unticked,
#   (c) a `git commit` through a hook installed by `pre-commit install` from a
#       .pre-commit-config.yaml with `repo: <local path>` and `rev: <sha>` is rejected with the
#       bad file and accepted with the fixed one,
#   (d) a file excluded in consentlint.toml does not block a commit (the hook's --force-exclude).
#
# What is tested: pre-commit clones a git repository at a commit, so uncommitted changes are
# invisible to it. By default (CONSENTLINT_HOOK_SOURCE=worktree) this script commits a snapshot
# of the working tree (tracked and untracked files, minus what .gitignore excludes) to a
# temporary repository and points pre-commit at that, so it tests the files as they are on
# disk; on CI's clean checkout that is exactly HEAD. CONSENTLINT_HOOK_SOURCE=head points
# pre-commit at this repository itself at `--ref HEAD`, as a user's config would.
#
# Needs git, python3 and cargo (Rust 1.88 or newer: pre-commit uses the system cargo). Installs
# pre-commit with pip if it is missing. Everything else lives in a temporary directory that is
# removed at the end (KEEP_TMP=1 keeps it): PRE_COMMIT_HOME, the git config, the throwaway
# repositories. The hook build compiles consentlint three times (try-repo uses a fresh store
# per run, then the installed hook's own store); CARGO_TARGET_DIR is shared between the three
# builds so that only the first compiles the dependencies. Cargo's registry cache
# (~/.cargo/registry) is used as usual.
set -Eeuo pipefail
trap 'printf "FAIL: unexpected error (exit %s) at %s line %s; FAIL: pre-commit hook end-to-end test\n" "$?" "${BASH_SOURCE[0]}" "$LINENO"' ERR

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source_mode=${CONSENTLINT_HOOK_SOURCE:-worktree}
started=$SECONDS

pass() { printf 'PASS: %s\n' "$*"; }
fail() {
  printf 'FAIL: %s\n' "$*"
  printf 'FAIL: pre-commit hook end-to-end test (%ss)\n' "$((SECONDS - started))"
  exit 1
}
step() { printf '\n== %s\n' "$*"; }

for tool in git python3 cargo; do
  command -v "$tool" >/dev/null || fail "$tool is not on PATH"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/consentlint-precommit.XXXXXX")
cleanup() {
  if [[ ${KEEP_TMP:-0} == 1 ]]; then
    printf 'kept %s\n' "$tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT

# Run a command, keep its exit status in $status and its output in $out, and show the output.
run() {
  printf '$'
  printf ' %q' "$@"
  printf '\n'
  local log="$tmp/last.log" t0=$SECONDS
  status=0
  "$@" >"$log" 2>&1 || status=$?
  out=$(cat "$log")
  sed 's/^/    | /' "$log"
  printf '    (exit %s, %ss)\n' "$status" "$((SECONDS - t0))"
}
expect_in_output() { # expect_in_output WHAT TEXT
  grep -qF -- "$2" <<<"$out" || fail "$1: the output does not contain \"$2\""
}
expect_hook_installed() { # expect_hook_installed WHAT
  if grep -qF "An unexpected error has occurred" <<<"$out"; then
    fail "$1: pre-commit could not install or run the hook (the build output is above)"
  fi
}

step "pre-commit"
pre_commit=(python3 -m pre_commit)
if ! "${pre_commit[@]}" --version >/dev/null 2>&1; then
  echo "pre-commit is not installed; installing it with pip"
  if ! python3 -m pip install --quiet pre-commit; then
    # A Python that refuses global installs (PEP 668): use a virtualenv in the temp dir.
    python3 -m venv "$tmp/venv"
    "$tmp/venv/bin/python" -m pip install --quiet pre-commit
    pre_commit=("$tmp/venv/bin/python" -m pre_commit)
  fi
fi
"${pre_commit[@]}" --version
cargo --version

step "the hook repository ($source_mode)"
git -C "$repo_root" rev-parse --is-inside-work-tree >/dev/null 2>&1 || fail "$repo_root is not a git checkout"
# Done before the git environment below is isolated, so the user's git config (safe.directory
# on a CI checkout owned by another user, ...) still applies to this repository.
case "$source_mode" in
  worktree)
    hook_repo="$tmp/consentlint-src"
    mkdir "$hook_repo"
    (
      cd "$repo_root"
      git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do
          if [[ -e $f || -L $f ]]; then printf '%s\0' "$f"; fi # skip deleted tracked files
        done |
        tar --null -T - -cf -
    ) | tar -xf - -C "$hook_repo"
    ;;
  head)
    hook_repo=$repo_root
    rev=$(git -C "$repo_root" rev-parse HEAD)
    ;;
  *) fail "CONSENTLINT_HOOK_SOURCE must be worktree or head, not '$source_mode'" ;;
esac
[[ -f $hook_repo/.pre-commit-hooks.yaml ]] || fail "no .pre-commit-hooks.yaml in $hook_repo"

# Isolate git and pre-commit from the user's configuration and caches.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$tmp/gitconfig"
git config --global user.name "consentlint test"
git config --global user.email "consentlint-test@example.invalid"
git config --global init.defaultBranch main
git config --global commit.gpgsign false
export PRE_COMMIT_HOME="$tmp/pre-commit-home"
export PRE_COMMIT_COLOR=never NO_COLOR=1
export CARGO_TARGET_DIR="$tmp/cargo-target"
unset RUSTUP_TOOLCHAIN

if [[ $source_mode == worktree ]]; then
  git -C "$hook_repo" init -q
  git -C "$hook_repo" add -A
  git -C "$hook_repo" commit -q -m "consentlint working tree snapshot"
  rev=$(git -C "$hook_repo" rev-parse HEAD)
fi
echo "repo: $hook_repo"
echo "rev:  $rev"

project="$tmp/project"
git init -q "$project"
cd "$project"

write_form() { # write_form FILE CHECKED ("checked" or "")
  cat >"$1" <<EOF
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign up</title></head>
<body>
  <form action="/signup" method="post">
    <label for="email">Email</label>
    <input type="email" id="email" name="email" autocomplete="email" required>
    <label>
      <input type="checkbox" name="newsletter" value="1"${2:+ $2}>
      Send me the weekly newsletter with offers and news
    </label>
    <p>We use your email as described in our <a href="/privacy">privacy policy</a>. You can unsubscribe at any time with the link in every email.</p>
    <button type="submit">Sign up</button>
  </form>
</body>
</html>
EOF
}

step "(a) try-repo on a form with a pre-ticked newsletter checkbox: must fail"
write_form signup.html checked
write_form notes.txt checked # not a template: the hook's `files` pattern must skip it
run "${pre_commit[@]}" try-repo "$hook_repo" consentlint --ref "$rev" --files signup.html notes.txt
expect_hook_installed "(a)"
expect_in_output "(a)" "Installing environment" # the hook was really built, not found in a cache
[[ $status -ne 0 ]] || fail "(a) try-repo exited 0 on a pre-ticked consent checkbox"
expect_in_output "(a)" "- exit code: 1"
expect_in_output "(a)" "pre-ticked-consent"
expect_in_output "(a)" "signup.html:9:"
if grep -qF "notes.txt" <<<"$out"; then fail "(a) the hook was given notes.txt, which is not a template"; fi
pass "(a) try-repo fails (exit $status) naming pre-ticked-consent and signup.html; notes.txt not checked"

step "(b) try-repo after unticking the checkbox: must pass"
write_form signup.html ""
run "${pre_commit[@]}" try-repo "$hook_repo" consentlint --ref "$rev" --verbose --files signup.html
expect_hook_installed "(b)"
[[ $status -eq 0 ]] || fail "(b) try-repo exited $status on the fixed form"
expect_in_output "(b)" "Passed"
expect_in_output "(b)" "No problems found in 1 file"
pass "(b) try-repo passes (exit 0) on the fixed form"

step "(c) git commit through an installed hook: rejected with the bad file, accepted when fixed"
yaml_repo=${hook_repo//"'"/"''"} # a single-quoted YAML scalar
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: '$yaml_repo'
    rev: $rev
    hooks:
      - id: consentlint
EOF
cat .pre-commit-config.yaml
git add .pre-commit-config.yaml
git commit -q -m "Add pre-commit config"
run "${pre_commit[@]}" install
[[ $status -eq 0 && -x .git/hooks/pre-commit ]] || fail "(c) pre-commit install did not install .git/hooks/pre-commit"
base=$(git rev-parse HEAD)

write_form signup.html checked
git add signup.html
run git commit -m "Sign-up form with a pre-ticked newsletter box"
expect_hook_installed "(c)"
[[ $status -ne 0 ]] || fail "(c) the commit with a pre-ticked consent checkbox was accepted"
[[ $(git rev-parse HEAD) == "$base" ]] || fail "(c) HEAD moved although the commit was rejected"
expect_in_output "(c)" "pre-ticked-consent"
expect_in_output "(c)" "signup.html:9:"
pass "(c) the commit with the pre-ticked box is rejected (exit $status), HEAD unchanged"

write_form signup.html ""
git add signup.html
run git commit -m "Sign-up form, newsletter box unticked"
[[ $status -eq 0 ]] || fail "(c) the commit with the fixed form was rejected (exit $status)"
[[ $(git rev-parse HEAD) != "$base" ]] || fail "(c) the commit exited 0 but HEAD did not move"
expect_in_output "(c)" "consentlint"
expect_in_output "(c)" "Passed"
[[ -z $(git status --porcelain -- signup.html) ]] || fail "(c) signup.html is not committed"
pass "(c) the commit with the fixed form is accepted: $(git log -1 --format='%h %s')"

step "(d) a file that consentlint.toml excludes is not checked by the hook (--force-exclude)"
mkdir -p legacy
write_form legacy/old-signup.html checked
printf 'exclude = ["legacy/"]\n' >consentlint.toml
git add consentlint.toml legacy/old-signup.html
run git commit -m "Legacy form, excluded in consentlint.toml"
[[ $status -eq 0 ]] || fail "(d) the commit of an excluded file was rejected (exit $status)"
expect_in_output "(d)" "Passed"
pass "(d) a pre-ticked box in an excluded file does not block the commit"

printf '\nPASS: pre-commit hook end-to-end test (%ss)\n' "$((SECONDS - started))"
