// Browser-side lookup against index files written by the Rust index writer.
//
// Driven by tests/js.rs, which writes the index of the test corpus and
// quire-text's analysis of a list of word forms (expected.json) to the
// directory in QUIRE_SEARCH_DIR, then runs `node --test` on this folder.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { openIndex, segment, excerpt, highlightForms } from "../../assets/search.js";

const dir = process.env.QUIRE_SEARCH_DIR;
if (!dir) throw new Error("QUIRE_SEARCH_DIR is not set: run through `cargo test -p quire-search --test js`");

/// Serves the temp dir as if it were the site root.
async function fetchFile(url) {
  try {
    const bytes = await readFile(join(dir, url));
    return new Response(bytes, { status: 200 });
  } catch {
    return new Response("not found", { status: 404 });
  }
}

const open = (lang) => openIndex(`/search/${lang}/`, { fetch: fetchFile });
const expected = JSON.parse(await readFile(join(dir, "expected.json"), "utf8"));

async function urls(ix, query, opts = {}) {
  const found = await ix.search(query, opts);
  const out = [];
  for (const r of found.results) out.push((await ix.fragment(r.doc)).url);
  return out;
}

for (const lang of ["tr", "ru", "en"]) {
  test(`${lang}: browser folding and stems agree with quire-text`, async () => {
    const ix = await open(lang);
    assert.ok(expected[lang].length >= 10);
    for (const { word, tokens } of expected[lang]) {
      const words = segment(word, lang);
      assert.deepEqual(
        words.map((w) => w.folded),
        tokens.map((t) => t.folded),
        `segmentation/folding of ${word}`,
      );
      for (const t of tokens) {
        assert.equal(await ix.termOf(t.folded), t.term, `term of ${word} (${t.folded})`);
      }
    }
  });
}

// [lang, query, URLs that must be in the top results, URLs that must not]
const QUERIES = [
  ["tr", "güvenlik", ["/tr/analysis/enerji-guvenligi/", "/tr/commentary/siber/"], []],
  ["tr", "güvenliği", ["/tr/analysis/enerji-guvenligi/", "/tr/commentary/siber/"], []],
  // Never seen in the corpus: found through the forms that start like it.
  ["tr", "güvenliğinin", ["/tr/analysis/enerji-guvenligi/", "/tr/commentary/siber/"], []],
  // Accent-insensitive secondary match.
  ["tr", "guvenligi", ["/tr/analysis/enerji-guvenligi/"], []],
  ["tr", "cin", ["/tr/analysis/cin-ticaret/"], ["/tr/analysis/tarim/"]],
  ["tr", "ISBIRLIGI", ["/tr/analysis/cin-ticaret/", "/tr/commentary/siber/"], []],
  ["tr", "Ankara'dan", ["/tr/analysis/cin-ticaret/"], []],
  // Results as you type: the last word is a prefix.
  ["tr", "kurak", ["/tr/analysis/tarim/"], []],
  ["tr", "enerji güvenliği", ["/tr/analysis/enerji-guvenligi/"], ["/tr/commentary/siber/"]],
  ["ru", "Китай", ["/ru/analysis/kitai-torgovlya/", "/ru/commentary/kitai-ii/"], []],
  ["ru", "Китая", ["/ru/analysis/kitai-torgovlya/", "/ru/commentary/kitai-ii/"], []],
  ["ru", "китаю", ["/ru/analysis/kitai-torgovlya/"], []],
  ["ru", "безопасностью", ["/ru/analysis/bezopasnost/"], []],
  ["ru", "объем товарооборота", ["/ru/analysis/kitai-torgovlya/"], []],
  ["ru", "Смирнова", ["/ru/analysis/bezopasnost/", "/ru/commentary/kitai-ii/"], []],
  ["en", "security", ["/analysis/port-security/"], ["/commentary/running-costs/"]],
  ["en", "securities", ["/analysis/port-security/"], []],
  ["en", "istanbul", ["/analysis/port-security/"], []],
  ["en", "run", ["/commentary/running-costs/"], []],
  ["en", "China exports", ["/analysis/china-trade/"], ["/analysis/port-security/"]],
];

for (const [lang, query, want, notWant] of QUERIES) {
  test(`${lang}: "${query}" finds ${want.join(", ")}`, async () => {
    const ix = await open(lang);
    const got = await urls(ix, query);
    for (const u of want) assert.ok(got.slice(0, 10).includes(u), `${u} not in ${JSON.stringify(got)}`);
    for (const u of notWant) assert.ok(!got.includes(u), `${u} unexpectedly in ${JSON.stringify(got)}`);
  });
}

test("ranking: a title match comes first", async () => {
  const ix = await open("en");
  assert.equal((await urls(ix, "security"))[0], "/analysis/port-security/");
  const tr = await open("tr");
  assert.equal((await urls(tr, "siber"))[0], "/tr/commentary/siber/");
});

test("filters by section, tag, author and year", async () => {
  const ix = await open("tr");
  assert.deepEqual(await urls(ix, "güvenlik", { filters: { section: "Yorum" } }), ["/tr/commentary/siber/"]);
  assert.deepEqual(await urls(ix, "güvenlik", { filters: { year: "2025" } }), ["/tr/analysis/enerji-guvenligi/"]);
  assert.deepEqual(await urls(ix, "güvenlik", { filters: { tag: "teknoloji" } }), ["/tr/commentary/siber/"]);
  assert.deepEqual(
    await urls(ix, "güvenlik", { filters: { author: "Mehmet Demir", section: "Analiz" } }),
    [],
  );
});

test("excerpts highlight every inflected form of the matched words", async () => {
  const ix = await open("tr");
  const found = await ix.search("güvenlik");
  const frag = await ix.fragment(found.results.find((r) => r.doc === 0).doc);
  const pieces = excerpt(frag.body, highlightForms(found.words), "tr");
  const marked = pieces.filter((p) => p.mark).map((p) => p.text);
  assert.deepEqual(marked, ["güvenliği", "güvenliğine"]);
  assert.equal(pieces.map((p) => p.text).join("").includes("Enerji güvenliği artık"), true);
});

test("a query downloads its shards and fragments, not the whole index", async () => {
  const ix = await open("ru");
  const total = ix.manifest.shards.length;
  await urls(ix, "Китая");
  // Manifest, at most the shards the words need, one doc map, the fragments.
  assert.ok(ix.stats.requests <= 1 + total + 1 + 3, JSON.stringify(ix.stats));
  assert.ok(ix.stats.bytes > 0);
});
