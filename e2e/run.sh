#!/usr/bin/env bash
# Reader-experience checks of the example site in a real browser (issue #12):
# builds examples/policy-site, serves it on 127.0.0.1 and runs
#   1. behaviour, accessibility (axe-core, light and dark), no-JS, weight,
#      layout and right-to-left checks in headless Chromium (checks.mjs);
#   2. the W3C Nu HTML Checker over every page type in every language;
#   3. an article printed with Chromium's --print-to-pdf, read back as text
#      and turned into PNG for a look;
#   4. Lighthouse on an article and a listing page (each category >= 95).
# Exits non-zero on any failure. Needs Debian's chromium, java, node/npm and
# poppler-utils; npm packages go to e2e/node_modules (git-ignored).
# Screenshots, the PDF and reports stay in $E2E_ARTIFACTS (a temp dir by
# default), printed at the end.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
started=$(date +%s)
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMIUM

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "e2e: '$1' is missing; install it with: $2" >&2; exit 1; }
}
[ -x "$CHROMIUM" ] || { echo "e2e: $CHROMIUM is missing; install it with: apt-get install -y chromium" >&2; exit 1; }
need java "apt-get install -y default-jre-headless"
need node "apt-get install -y nodejs npm"
need npm "apt-get install -y npm"
# poppler-utils is small and only needed here: install it when we can.
if ! command -v pdftoppm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== apt-get install poppler-utils"
  apt-get install -y -qq poppler-utils >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; }
fi
need pdftoppm "apt-get install -y poppler-utils"
need pdftotext "apt-get install -y poppler-utils"

echo "== npm packages"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

work="$(mktemp -d)"
artifacts="${E2E_ARTIFACTS:-$(mktemp -d)}"
mkdir -p "$artifacts"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== build the example site"
site="$work/site"
(cd "$repo" && cargo run --release -q -- build --root examples/policy-site --output "$site")

echo "== serve it"
node "$here/serve.mjs" "$site" 0 >"$work/serve.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 50); do
  port="$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$work/serve.log")"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "e2e: the static server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
base="http://127.0.0.1:$port"
echo "serving $site at $base"

status=0

echo "== browser checks (playwright-core + axe-core)"
node "$here/checks.mjs" "$base" "$site" "$artifacts" || status=1
[ -f "$artifacts/pages.json" ] || { echo "e2e: page discovery failed" >&2; exit 1; }

echo "== W3C Nu HTML Checker"
mapfile -t html_files < <(node -e '
  const pages = require(process.argv[1]);
  const seen = new Set();
  for (const types of Object.values(pages))
    for (const url of Object.values(types)) {
      const file = url.endsWith(".html") ? url : url + "index.html";
      if (!seen.has(file)) { seen.add(file); console.log(process.argv[2] + file); }
    }' "$artifacts/pages.json" "$site")
echo "${#html_files[@]} files"
if ! java -jar "$here/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only --format gnu "${html_files[@]}" 2>"$artifacts/vnu.txt"; then
  sed "s|$site||" "$artifacts/vnu.txt" | head -40
  echo "FAIL the HTML checker reports errors" >&2
  status=1
else
  echo "no errors"
fi

echo "== print an article"
article="$(node -e 'const p = require(process.argv[1]); console.log(Object.values(p)[0].article)' "$artifacts/pages.json")"
profile="$work/chromium-print"
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --no-pdf-header-footer \
  --print-to-pdf="$artifacts/article.pdf" "$base$article" >/dev/null 2>&1
pdftoppm -png -r 50 "$artifacts/article.pdf" "$artifacts/print"
pdftotext -layout "$artifacts/article.pdf" "$artifacts/article.txt"
node "$here/print-check.mjs" "$site$article/index.html" "$artifacts/article.txt" || status=1

echo "== Lighthouse"
section="$(node -e 'const p = require(process.argv[1]); console.log(Object.values(p)[0].section)' "$artifacts/pages.json")"
for target in "article:$article" "listing:$section"; do
  name="${target%%:*}"
  url="$base${target#*:}"
  CHROME_PATH="$CHROMIUM" "$here/node_modules/.bin/lighthouse" "$url" \
    --quiet --output=json --output-path="$artifacts/lighthouse-$name.json" \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$work/lh-$name" \
    || { echo "FAIL lighthouse did not run on $url" >&2; status=1; continue; }
  node -e '
    const r = require(process.argv[1]);
    const scores = Object.values(r.categories).map((c) => [c.id, Math.round(c.score * 100)]);
    console.log(process.argv[2] + ": " + scores.map(([k, v]) => k + " " + v).join(", "));
    const low = scores.filter(([, v]) => v < 95);
    for (const id of low.map(([k]) => k))
      for (const ref of r.categories[id].auditRefs)
        if (ref.weight > 0 && r.audits[ref.id].score !== null && r.audits[ref.id].score < 1)
          console.log("  " + id + ": " + ref.id + " " + r.audits[ref.id].score);
    process.exit(low.length ? 1 : 0);' "$artifacts/lighthouse-$name.json" "$name" || { echo "FAIL lighthouse below 95 on $name" >&2; status=1; }
done

echo "== artifacts (screenshots, print, reports): $artifacts"
echo "== e2e finished in $(( $(date +%s) - started )) s: $([ $status -eq 0 ] && echo PASS || echo FAIL)"
exit $status
