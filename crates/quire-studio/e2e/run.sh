#!/usr/bin/env bash
# One browser test of quire studio in headless Chromium (issue #31):
# on a copy of examples/policy-site it creates an article with a note, a
# citation, a new source, a table and a cover image, saves, publishes, and
# finds it in a fresh `quire build`; translates it side by side, imports a
# Word document, and signs a translator in (no Publish); axe checks every
# screen. Needs Debian's chromium and
# node/npm; npm packages (playwright-core, axe-core) go to
# crates/quire-studio/e2e/node_modules (git-ignored).
# Usage: bash crates/quire-studio/e2e/run.sh   (QUIRE_BIN=… to test another binary)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMIUM
[ -x "$CHROMIUM" ] || { echo "studio e2e: $CHROMIUM is missing; install it with: apt-get install -y chromium" >&2; exit 1; }
command -v node >/dev/null || { echo "studio e2e: node is missing" >&2; exit 1; }

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
# QUIRE_BIN names a quire binary to test; by default the release build.
quire="${QUIRE_BIN:-$repo/target/release/quire}"
if [ -z "${QUIRE_BIN:-}" ]; then (cd "$repo" && cargo build --release -q -p quire-cli); fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/site"
(cd "$repo/examples/policy-site" && tar --exclude=./public --exclude=./.quire-cache --exclude=./.quire-studio -cf - .) | (cd "$work/site" && tar -xf -)

"$quire" studio --root "$work/site" --port 0 >"$work/studio.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^quire studio at \(http:[^ ]*\) .*/\1/p' "$work/studio.log")"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "studio e2e: the studio did not start" >&2; cat "$work/studio.log" >&2; exit 1; }
echo "studio at $url"

STUDIO_URL="$url" STUDIO_SITE="$work/site" QUIRE_BIN="$quire" \
  node --test --test-timeout=110000 "$here/studio.e2e.mjs"
