#!/usr/bin/env bash
# Rebuilds ../assets/editor.js (the studio's editor script: CodeMirror 6 and
# the studio's own code from src/editor.js) with the exact package versions
# in package-lock.json. The bundle is committed, so building quire needs no
# npm; run this only after changing src/ or the packages, and commit the
# result. Reproducible: same lock file, same esbuild, same bytes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
npm ci --no-audit --no-fund --loglevel=error
./node_modules/.bin/esbuild src/editor.js --bundle --minify --format=iife \
  --target=es2020 --legal-comments=eof --charset=utf8 \
  --outfile=../assets/editor.js
echo "wrote $(cd .. && pwd)/assets/editor.js ($(wc -c < ../assets/editor.js) bytes)"
