#!/usr/bin/env bash
# Installs the pinned tools the tests need into ignored folders of the project:
# helm (built from source with Go) in .tools/bin and checkov in the .venv virtualenv.
# A tool that cannot be installed fails the run; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

HELM_VERSION=v3.19.5
CHECKOV_VERSION=3.3.30
TOOLS=.tools/bin
mkdir -p "$TOOLS"

if [ ! -x "$TOOLS/helm" ] || [ "$(cat "$TOOLS/helm.version" 2>/dev/null)" != "$HELM_VERSION" ]; then
  command -v go >/dev/null || { echo "install-tools: go is needed to build helm $HELM_VERSION" >&2; exit 1; }
  echo "install-tools: building helm $HELM_VERSION (one-off, a few minutes)" >&2
  GOBIN="$PWD/$TOOLS" GOFLAGS=-mod=mod go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  echo "$HELM_VERSION" > "$TOOLS/helm.version"
fi

if [ ! -x .venv/bin/checkov ] || [ "$(cat .venv/checkov.version 2>/dev/null)" != "$CHECKOV_VERSION" ]; then
  command -v python3 >/dev/null || { echo "install-tools: python3 is needed for checkov" >&2; exit 1; }
  echo "install-tools: installing checkov $CHECKOV_VERSION into .venv (one-off)" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
  echo "$CHECKOV_VERSION" > .venv/checkov.version
fi
