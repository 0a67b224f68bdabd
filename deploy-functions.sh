#!/usr/bin/env bash
# Usage: ./deploy-functions.sh --project PROJECT [--dry-run] [--only a,b] [--region R]
#
# Stages the functions source with the shared package and static/ into .deploy-staging/, then
# runs one `gcloud functions deploy NAME --gen2 ...` per function of functions/main.py, with the
# trigger flags read from each function's declaration (ops/deploy_plan.py), plus the task queues,
# scheduler jobs and blocking-function registrations they need. --dry-run prints the commands.
# Rules and indexes deploy with the Firebase CLI (printed last). See ops/DEPLOY.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")" && pwd)
cd "$ROOT"

dry_run=false project=${GCLOUD_PROJECT:-} region=us-central1 only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true ;;
    --only) only=$2; shift ;;
    --only=*) only=${1#*=} ;;
    --project) project=$2; shift ;;
    --project=*) project=${1#*=} ;;
    --region) region=$2; shift ;;
    --region=*) region=${1#*=} ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 64 ;;
  esac
  shift
done
if [ -z "$project" ]; then
  $dry_run || { echo "--project is required" >&2; exit 64; }
  project=demo-foundation
fi

# 1. Stage: functions/ (without venv and caches), shared/ and static/ beside main.py, so
#    `import shared` works and shared.settings finds static/ beside the package.
STAGE=$ROOT/.deploy-staging
rm -rf "$STAGE"
mkdir -p "$STAGE"
tar -C functions --exclude=venv --exclude=__pycache__ --exclude='*.pyc' --exclude=requirements.txt \
  -cf - . | tar -C "$STAGE" -xf -
tar -C "$ROOT" --exclude=__pycache__ --exclude='*.pyc' -cf - shared static | tar -C "$STAGE" -xf -
cp requirements.txt "$STAGE/requirements.txt"

# 2. Plan: read from the functions' own declarations.
PYTHON=functions/venv/bin/python
[ -x "$PYTHON" ] || PYTHON=python3
plan=$("$PYTHON" ops/deploy_plan.py --project "$project" --region "$region" --source "$STAGE" --only "$only")
plan+=$'\n'"npx firebase deploy --project $(printf '%q' "$project") --only firestore:rules,firestore:indexes"

if $dry_run; then
  echo "# staged: $STAGE ($(find "$STAGE" -name '*.py' | wc -l) Python files)"
  printf '%s\n' "$plan"
  exit 0
fi

# 3. Deploy, one command at a time; the first failure stops the run.
while IFS= read -r line; do
  [ -n "$line" ] || continue
  case "$line" in "#"*) echo "$line"; continue ;; esac
  echo "+ $line" >&2
  eval "$line"
done <<<"$plan"
