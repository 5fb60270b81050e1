// Compares quire-search with Pagefind on one built site: index build time,
// index bytes, bytes downloaded for each language's query set, and hit@10.
// Queries run in headless Chromium against the site served on 127.0.0.1, so
// both engines are measured as a reader's browser would see them (fresh
// cache per language, no server-side compression).
//
// Usage (see eval/README.md):
//   node eval/run.mjs --site DIR --modules NODE_MODULES [--quire-stats FILE] [--queries FILE]
// NODE_MODULES must hold `pagefind` and `playwright-core` (npm install in a
// temp dir; not committed). --quire-stats is the JSON line printed by the
// eval-site generator (quire's index build time); --queries defaults to
// eval/queries.json, whose answers are the generated "needle" articles.

import { spawnSync } from "node:child_process";
import { readFile, readdir, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { serve } from "./serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
if (!args.site || !args.modules) {
  console.error("usage: node eval/run.mjs --site DIR --modules NODE_MODULES [--quire-stats FILE] [--queries FILE]");
  process.exit(2);
}
const LANGS = ["en", "tr", "ru"];
const prefix = (lang) => (lang === "en" ? "" : `/${lang}`);

async function querySets() {
  const raw = JSON.parse(await readFile(args.queries || join(here, "queries.json"), "utf8"));
  const sets = {};
  for (const lang of LANGS) {
    sets[lang] = (raw[lang] || []).map((q) => ({
      query: q.query,
      expect: q.expect || [`${prefix(lang)}/analysis/needle-${q.id}/`],
    }));
  }
  return sets;
}

async function dirBytes(dir, skip = () => false) {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (skip(e.name)) continue;
    total += e.isDirectory() ? await dirBytes(p, skip) : (await stat(p)).size;
  }
  return total;
}

function buildPagefind(site) {
  const bin = join(args.modules, ".bin", "pagefind");
  const started = performance.now();
  const r = spawnSync(bin, ["--site", site], { encoding: "utf8" });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`pagefind failed:\n${r.stdout}\n${r.stderr}`);
  return seconds;
}

const normalise = (url) => new URL(url, "http://x").pathname.replace(/index\.html$/, "");

/// Runs one language's query set with one engine in a fresh browser context.
async function runSet(browser, base, engine, lang, set) {
  const context = await browser.newContext();
  const page = await context.newPage();
  let bytes = 0;
  const counted = engine === "quire" ? [`/search/${lang}/`, "/assets/search.js"] : ["/pagefind/"];
  page.on("response", async (res) => {
    const path = new URL(res.url()).pathname;
    if (!counted.some((c) => path.startsWith(c))) return;
    try {
      bytes += (await res.body()).length;
    } catch {
      // Redirects and aborted requests have no body.
    }
  });
  await page.goto(`${base}${prefix(lang)}/search/`);
  let hits = 0;
  const misses = [];
  for (const { query, expect } of set) {
    const urls = await page.evaluate(
      async ({ engine, lang, query }) => {
        if (engine === "quire") {
          const m = await import("/assets/search.js");
          window.__quire ||= await m.openIndex(`/search/${lang}/`);
          const found = await window.__quire.search(query, { limit: 10 });
          const frags = await Promise.all(found.results.map((r) => window.__quire.fragment(r.doc)));
          return frags.map((f) => f.url);
        }
        const pf = await import("/pagefind/pagefind.js");
        const found = await pf.search(query);
        const data = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
        return data.map((d) => d.url);
      },
      { engine, lang, query },
    );
    const top = urls.map(normalise);
    if (expect.every((u) => top.includes(u))) hits++;
    else misses.push(query);
  }
  // Let the last responses be counted.
  await page.waitForTimeout(200);
  await context.close();
  return { bytes, hits, total: set.length, misses };
}

async function main() {
  const site = args.site;
  const { chromium } = await import(join(args.modules, "playwright-core", "index.mjs"));
  const sets = await querySets();
  const quireStats = args["quire-stats"] ? JSON.parse(await readFile(args["quire-stats"], "utf8")) : null;

  await rm(join(site, "pagefind"), { recursive: true, force: true });
  const pagefindSeconds = buildPagefind(site);
  const quireSeconds = quireStats
    ? LANGS.reduce((s, l) => s + (quireStats[l] ? quireStats[l].build_ms : 0), 0) / 1000
    : NaN;
  let quireBytes = (await stat(join(site, "assets", "search.js"))).size;
  for (const lang of LANGS) quireBytes += await dirBytes(join(site, "search", lang)).catch(() => 0);
  const pagefindBytes = await dirBytes(join(site, "pagefind"), (n) => /ui\.(js|css)$|highlight\.js$/.test(n));

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium" });
  const { url, close } = await serve(site);
  const rows = [];
  try {
    for (const lang of LANGS) {
      if (!sets[lang].length) continue;
      for (const engine of ["quire", "pagefind"]) {
        const r = await runSet(browser, url, engine, lang, sets[lang]);
        rows.push({ engine, lang, ...r });
      }
    }
  } finally {
    await browser.close();
    await close();
  }

  const docs = quireStats ? LANGS.reduce((s, l) => s + (quireStats[l]?.docs || 0), 0) : "?";
  console.log(`site: ${site} (${docs} articles)`);
  console.log(`| engine | index build (s) | index bytes (all languages) |`);
  console.log(`|---|---|---|`);
  console.log(`| quire | ${Number.isNaN(quireSeconds) ? "n/a (no --quire-stats)" : quireSeconds.toFixed(2)} | ${quireBytes} |`);
  console.log(`| pagefind 1.6 | ${pagefindSeconds.toFixed(2)} | ${pagefindBytes} |`);
  console.log();
  console.log(`| language | engine | bytes downloaded (query set) | hit@10 | missed |`);
  console.log(`|---|---|---|---|---|`);
  for (const r of rows) {
    console.log(`| ${r.lang} | ${r.engine} | ${r.bytes} | ${r.hits}/${r.total} | ${r.misses.join("; ")} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
