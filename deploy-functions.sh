#!/usr/bin/env bash
# Usage: ./deploy-functions.sh [--dry-run] [--only a,b] [--project P] [--region R]
#                              [--firestore-location L] [--invoker-service-account SA]
#                              [--staging-dir DIR]
#
# Deploys every function of functions/main.py with one `gcloud functions deploy NAME --gen2`
# each, its trigger flags read from the function's declaration (ops/deploy/), followed by
# the task queues, scheduler jobs and invoker bindings the declarations imply; then the Firestore
# rules and indexes through the Firebase CLI (not with --only). --dry-run prints the plan and
# stages the source without calling gcloud. See ops/DEPLOY.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")" && pwd)
cd "$ROOT"

die() { echo "deploy-functions: $*" >&2; exit 64; }
dry_run=false project="" region=us-central1 only="" location="" invoker="" stage=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true ;;
    --only|--project|--region|--firestore-location|--invoker-service-account|--staging-dir)
      [ $# -ge 2 ] || die "$1 needs a value"
      set -- "$1=$2" "${@:3}"; continue ;;
    --only=*) only=${1#*=} ;;
    --project=*) project=${1#*=} ;;
    --region=*) region=${1#*=} ;;
    --firestore-location=*) location=${1#*=} ;;
    --invoker-service-account=*) invoker=${1#*=} ;;
    --staging-dir=*) stage=${1#*=} ;;
    -h|--help) sed -n '2,10p' "$0" | cut -c3-; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

# 1. Where to: the project, and what only the live project can tell (never asked on a dry run).
if [ -z "$project" ] && command -v gcloud >/dev/null; then
  project=$(gcloud config get-value project 2>/dev/null || true)
fi
if $dry_run; then
  project=${project:-demo-foundation}
else
  [ -n "$project" ] || die "no project: pass --project or run 'gcloud config set project P'"
  case "$project" in demo-*) die "$project is an emulator-only demo project" ;; esac
  if [ -z "$invoker" ]; then
    number=$(gcloud projects describe "$project" --format='value(projectNumber)')
    invoker="$number-compute@developer.gserviceaccount.com"
  fi
  if [ -z "$location" ]; then
    location=$(gcloud firestore databases describe --database='(default)' --project="$project" \
      --format='value(locationId)') || die "no Firestore database? pass --firestore-location"
  fi
fi

# 2. The plan, from the functions' own declarations (an unknown --only name stops here).
STAGE=${stage:-$ROOT/.deploy-staging}
PYTHON=$ROOT/functions/venv/bin/python
# Reading the declarations imports the functions: a fresh checkout gets its venv first.
"$PYTHON" -c 'import firebase_functions, firebase_admin' 2>/dev/null || ops/setup --python
args=(--project "$project" --region "$region" --source "$STAGE" --only "$only")
[ -z "$location" ] || args+=(--firestore-location "$location")
[ -z "$invoker" ] || args+=(--invoker-service-account "$invoker")
plan=$("$PYTHON" -m ops.deploy "${args[@]}")

# 3. Stage: functions/ (without venv, caches, tests), with shared/ and static/ beside main.py, so
#    `import shared` works and shared.settings finds static/ beside the package, as in the repo.
MARKER=.staged-by-deploy-functions
if [ -n "$(ls -A "$STAGE" 2>/dev/null)" ] && [ ! -e "$STAGE/$MARKER" ] \
  && [ "$STAGE" != "$ROOT/.deploy-staging" ]; then
  die "$STAGE is not empty and was not staged by this script; refusing to clear it"
fi
rm -rf "$STAGE"
mkdir -p "$STAGE"
tar -C functions --exclude=venv --exclude=__pycache__ --exclude='*.pyc' --exclude=tests \
  --exclude=.pytest_cache --exclude=.mypy_cache --exclude='.env*' --exclude=requirements.txt \
  -cf - . | tar -C "$STAGE" -xf -
tar -C "$ROOT" --exclude=__pycache__ --exclude='*.pyc' -cf - shared static | tar -C "$STAGE" -xf -
cp requirements.txt "$STAGE/requirements.txt"
cmp -s requirements.txt functions/requirements.txt \
  || echo "deploy-functions: warning: functions/requirements.txt differs; shipping ./requirements.txt" >&2
printf '%s\n' "$MARKER" .gcloudignore >"$STAGE/.gcloudignore"
touch "$STAGE/$MARKER"
(cd "$STAGE" && env -u FOUNDATION_STATIC_DIR PYTHONPATH=. "$PYTHON" -c 'import pathlib, shared.settings as s
d = s.get_settings().static_dir.resolve()
assert d == pathlib.Path("static").resolve() and (d / "roles.yaml").is_file(), d') \
  || die "the staged shared/ does not find the staged static/"
# Ship bytecode: an instance then loads our modules as it loads its packages', instead of
# compiling every source file at each cold start. Unchecked hashes, because the upload does not
# keep the sources' modification times (a different Python simply ignores these files).
"$PYTHON" -m compileall -q -f --invalidation-mode unchecked-hash "$STAGE" >/dev/null

if $dry_run; then
  echo "# staged: $STAGE ($(find "$STAGE" -name '*.py' | wc -l) Python files)"
  printf '%s\n' "$plan"
  exit 0
fi

# 4. Deploy, one line at a time (comments are notes to act on); the first failure stops the run.
#    What ships is the working tree, so say so when it differs from the last commit.
if [ -n "$(git status --porcelain -- functions shared static requirements.txt 2>/dev/null)" ]; then
  echo "deploy-functions: warning: deploying uncommitted changes (git status)" >&2
fi
mapfile -t lines <<<"$plan"
for line in "${lines[@]}"; do
  [ -n "$line" ] || continue
  case "$line" in "#"*) echo "$line"; continue ;; esac
  echo "+ $line" >&2
  eval "$line"
done
