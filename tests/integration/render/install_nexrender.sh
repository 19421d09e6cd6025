#!/usr/bin/env bash
# Install the real @nexrender/server into <repo>/.nexrender (git-ignored) for the
# integration tests; does nothing when the pinned version is already there.
# Usage: tests/integration/render/install_nexrender.sh   (needs Node >= 18 and npm)
set -euo pipefail
VERSION="1.38.0"
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
DIR="$ROOT/.nexrender"
MANIFEST="$DIR/node_modules/@nexrender/server/package.json"

if [ -f "$MANIFEST" ] && node -e "process.exit(require('$MANIFEST').version === '$VERSION' ? 0 : 1)"; then
  echo "@nexrender/server $VERSION already installed in $DIR"
  exit 0
fi
mkdir -p "$DIR"
printf '*\n' > "$DIR/.gitignore"  # the whole folder stays out of git
npm install --prefix "$DIR" --no-audit --no-fund --save-exact "@nexrender/server@$VERSION"
echo "@nexrender/server $VERSION installed in $DIR"
