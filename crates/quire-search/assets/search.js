// quire search: the browser side of the static full-text index.
//
// Owns: query analysis (segmentation and case folding that mirror
// quire-text), lookup in the sharded index written by quire-search, ranking,
// excerpts, and the search page UI. Dependency-free ES module, no build step.
// Must not know: how the index is built (it only reads the files the
// manifest names) or the page around the search UI.
//
// Consistency with the Rust analysis: the browser has no stemmer. The index
// ships, per shard, every folded form seen in the corpus with its stem, so a
// query word is stemmed by lookup; forms never seen fall back to prefix and
// truncation matching. Case folding mirrors quire-text's `fold` (ICU
// lower-casing with the language's rules: toLocaleLowerCase uses the same
// ICU data), and the accent-insensitive key uses the folding table the
// index ships for the characters it saw.

const FORMAT_VERSION = 1;
/// Weights of the ways a query word can reach a term.
const WEIGHT_EXACT = 1.0;
const WEIGHT_FAMILY = 0.8;
const WEIGHT_ACCENT = 0.7;
const WEIGHT_TRUNCATED = 0.6;
const WEIGHT_PREFIX = 0.5;
/// Prefix expansion stops after this many terms (short prefixes match many).
const MAX_PREFIX_TERMS = 40;
/// Prefix expansion reads at most this many shards.
const MAX_PREFIX_SHARDS = 3;

function primaryLang(lang) {
  return String(lang || "").split(/[-_]/)[0].trim().toLowerCase();
}

/// Code-point order, the order the index writer sorts keys in (Rust compares
/// UTF-8 bytes, which is code-point order; JS `<` compares UTF-16 units).
export function compareKeys(a, b) {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const cx = x.value.codePointAt(0);
    const cy = y.value.codePointAt(0);
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/// Language-aware lower-casing of one word, then the apostrophe rules:
/// mirrors quire-text's `Analyzer::fold` and its per-word folding.
export function foldWord(surface, lang) {
  const primary = primaryLang(lang);
  const turkic = primary === "tr" || primary === "az";
  let folded;
  if (/^[\x00-\x7f]*$/.test(surface) && !/[A-Z]/.test(surface)) {
    folded = surface;
  } else {
    try {
      folded = surface.toLocaleLowerCase(primary || undefined);
    } catch {
      folded = surface.toLowerCase();
    }
    // Outside Turkic languages (and Lithuanian) a combining dot left by
    // lower-casing "İ" is dropped, as quire-text does.
    if (!turkic && primary !== "lt" && folded.includes("\u0307")) {
      folded = folded.replace(/([ij])\u0307/g, "$1");
    }
  }
  folded = folded.replace(/[\u2019\u02bc]/g, "'");
  if (turkic) {
    // Turkish case suffixes after an apostrophe ("Ankara'da") are not indexed.
    const cut = folded.indexOf("'");
    if (cut > 0) folded = folded.slice(0, cut);
  }
  return folded.replace(/^'+|'+$/g, "");
}

let segmenters = new Map();
function segmenter(lang) {
  const key = primaryLang(lang) || "und";
  let s = segmenters.get(key);
  if (!s) {
    try {
      s = new Intl.Segmenter(key, { granularity: "word" });
    } catch {
      s = new Intl.Segmenter(undefined, { granularity: "word" });
    }
    segmenters.set(key, s);
  }
  return s;
}

/// The words of `text` (UAX #29 word boundaries, like quire-text), each with
/// its surface form, folded form and UTF-16 offset.
export function segment(text, lang) {
  const out = [];
  for (const seg of segmenter(lang).segment(text)) {
    if (!seg.isWordLike) continue;
    const folded = foldWord(seg.segment, lang);
    if (folded) out.push({ surface: seg.segment, folded, offset: seg.index });
  }
  return out;
}

/// An open index for one language. Create with `openIndex`.
export class SearchIndex {
  constructor(baseUrl, manifest, fetchImpl) {
    this.base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    this.manifest = manifest;
    this.lang = manifest.lang;
    this.fetchImpl = fetchImpl;
    this.cache = new Map();
    this.stop = new Set(manifest.stop || []);
    this.fold = manifest.fold || {};
    /// Bytes and requests fetched so far (the manifest included).
    this.stats = { bytes: 0, requests: 0 };
  }

  /// The accent-insensitive key of a folded form (quire-text's `ascii_fold`):
  /// the index ships the mapping of every character it saw; others follow
  /// the same rule approximately.
  key(folded) {
    let out = "";
    for (const c of folded) {
      const mapped = this.fold[c];
      if (mapped !== undefined) {
        out += mapped;
        continue;
      }
      const cp = c.codePointAt(0);
      if (c === "ё") out += "е";
      else if (c === "Ё") out += "Е";
      else if (cp >= 0x300 && cp <= 0x36f) continue;
      else if ((cp >= 0xc0 && cp <= 0x24f) || (cp >= 0x1e00 && cp <= 0x1eff)) {
        out += c.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace("ı", "i").toLowerCase();
      } else out += c;
    }
    return out;
  }

  async load(name) {
    let p = this.cache.get(name);
    if (!p) {
      p = loadFile(this.fetchImpl, this.base + name, this.stats);
      this.cache.set(name, p);
      p.catch(() => this.cache.delete(name));
    }
    return p;
  }

  shardIndex(key) {
    const shards = this.manifest.shards;
    let lo = 0;
    let hi = shards.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (compareKeys(shards[mid][0], key) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  async shard(i) {
    const name = this.manifest.shards[i][1];
    const cached = this.cache.get("parsed:" + name);
    if (cached) return cached;
    const p = this.load(name).then((raw) => {
      const keys = raw.keys.map((k) => k[0]);
      const byKey = new Map(raw.keys);
      return { keys, byKey, terms: raw.terms };
    });
    this.cache.set("parsed:" + name, p);
    return p;
  }

  /// Entries `[form, term record]` stored under exactly `key`.
  async entries(key) {
    if (!this.manifest.shards.length) return [];
    const shard = await this.shard(this.shardIndex(key));
    const list = shard.byKey.get(key) || [];
    return list.map(([form, t]) => [form, shard.terms[t]]);
  }

  /// Entries whose key starts with `prefix`, one per term, whose term
  /// passes `accept` (all by default), most frequent terms first.
  async scan(prefix, { exact = false, accept = () => true, cap = MAX_PREFIX_TERMS } = {}) {
    const shards = this.manifest.shards;
    if (!shards.length) return [];
    const out = [];
    const seen = new Set();
    let i = this.shardIndex(prefix);
    for (let n = 0; n < MAX_PREFIX_SHARDS && i < shards.length; n++, i++) {
      if (n > 0 && !shards[i][0].startsWith(prefix)) break;
      const shard = await this.shard(i);
      let lo = 0;
      let hi = shard.keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareKeys(shard.keys[mid], prefix) < 0) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < shard.keys.length && shard.keys[k].startsWith(prefix); k++) {
        if (!exact && shard.keys[k] === prefix) continue;
        for (const [form, t] of shard.byKey.get(shard.keys[k])) {
          const rec = shard.terms[t];
          if (!seen.has(rec[0]) && accept(rec[0])) {
            seen.add(rec[0]);
            out.push([form, rec]);
          }
        }
      }
    }
    out.sort((a, b) => b[1][2].length - a[1][2].length || compareKeys(a[1][0], b[1][0]));
    return out.slice(0, cap);
  }

  /// The index term the Rust analysis gives a folded form seen in the corpus,
  /// `null` for a stop word, `undefined` for a form the corpus never had.
  async termOf(folded) {
    if (this.stop.has(folded)) return null;
    for (const [form, rec] of await this.entries(this.key(folded))) {
      if (form === folded) return rec[0];
    }
    return undefined;
  }

  /// How one query word reaches the index: `Map(term → {weight, rec})`.
  async resolveWord(folded, prefix) {
    const found = new Map();
    const add = (rec, weight) => {
      const had = found.get(rec[0]);
      if (!had || had.weight < weight) found.set(rec[0], { weight, rec });
    };
    // A query word that is itself a stem of the corpus ("fire", seen only
    // as "fires") is what the Rust analysis would give: an exact match.
    const addGuess = (rec, weight) => add(rec, rec[0] === folded ? WEIGHT_EXACT : weight);
    const key = this.key(folded);
    for (const [form, rec] of await this.entries(key)) {
      add(rec, form === folded ? WEIGHT_EXACT : WEIGHT_ACCENT);
    }
    if ((prefix || found.size === 0) && [...key].length >= 2) {
      for (const [, rec] of await this.scan(key)) addGuess(rec, WEIGHT_PREFIX);
    }
    // Stems one final letter apart are one word: Snowball cuts some
    // inflections deeper than others (Russian "Китай" → "кита" but "Китая"
    // → "кит"), so each exactly matched term brings its neighbours.
    for (const { weight, rec } of [...found.values()]) {
      if (weight < WEIGHT_ACCENT) continue;
      const stem = rec[0];
      const chars = [...stem];
      if (chars.length < 3) continue;
      const shorter = chars.slice(0, -1).join("");
      // Longer stems may add one letter, or two once the stem is long
      // enough to be specific (Turkish "belediye" → "beledi" but
      // "belediyelerin" → "belediye").
      const extra = chars.length >= 5 ? 2 : 1;
      const near = (t) =>
        t !== stem &&
        (t === (chars.length >= 4 ? shorter : null) ||
          (t.startsWith(stem) && [...t].length <= chars.length + extra));
      const from = chars.length >= 4 ? shorter : stem;
      for (const [, r] of await this.scan(this.key(from), { exact: true, accept: near, cap: 8 })) {
        add(r, WEIGHT_FAMILY);
      }
    }
    // A form the corpus never had ("güvenliğinin" when only "güvenliğini"
    // occurs): the forms that start like it, cutting one letter at a time
    // down to 60% of its length.
    const chars = [...key];
    if (found.size === 0 && chars.length >= 5) {
      const min = Math.max(3, Math.ceil(chars.length * 0.6));
      for (let n = chars.length - 1; n >= min && found.size === 0; n--) {
        const cut = chars.slice(0, n).join("");
        // Short cuts ("газ" from "газом") only take stems about as short,
        // not every word that starts with them ("газета").
        const accept = n >= 5 ? () => true : (t) => [...this.key(t)].length <= n + 1;
        for (const [, rec] of await this.scan(cut, { exact: true, accept, cap: 8 })) {
          addGuess(rec, WEIGHT_TRUNCATED);
        }
      }
    }
    return found;
  }

  /// Analyses a query: its words, each with the terms it reaches. The last
  /// word is also prefix-matched while `prefix` is on (results as you type).
  async analyze(text, { prefix = true } = {}) {
    const words = segment(text, this.lang);
    const out = [];
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      const last = prefix && i === words.length - 1 && !/\s$/.test(text);
      const stop = this.stop.has(w.folded);
      if (stop && !last) continue;
      const terms = await this.resolveWord(w.folded, last);
      if (stop) {
        // A stop word being typed may be the start of a real word: prefix
        // matches only, and the word is optional.
        for (const [t, m] of terms) if (m.weight > WEIGHT_PREFIX) terms.delete(t);
      }
      out.push({ ...w, terms, optional: stop });
    }
    return out;
  }

  /// Document ids allowed by `filters` (`{section, tag, author, year}` →
  /// value), or null when no filter is set.
  async allowed(filters) {
    let allowed = null;
    for (const [facet, value] of Object.entries(filters || {})) {
      if (!value) continue;
      const spec = this.manifest.facets && this.manifest.facets[facet];
      const ids = new Set();
      if (spec) {
        const lists = await this.load(spec.file);
        const entry = lists.find((e) => e[0] === value);
        if (entry) {
          let doc = 0;
          for (const d of entry[1]) ids.add((doc += d));
        }
      }
      allowed = allowed ? new Set([...allowed].filter((d) => ids.has(d))) : ids;
    }
    return allowed;
  }

  /// Runs a query. Returns `{ words, results: [{doc, score}], total }`,
  /// ranked by summed BM25F scores (each word contributes its best way of
  /// matching a document); every word that matches something must match.
  async search(text, { filters = {}, limit = 10, prefix = true } = {}) {
    const words = await this.analyze(text, { prefix });
    const allowed = await this.allowed(filters);
    const perWord = [];
    for (const w of words) {
      const scores = new Map();
      for (const { weight, rec } of w.terms.values()) {
        let doc = 0;
        const p = rec[2];
        for (let i = 0; i < p.length; i += 2) {
          doc += p[i];
          if (allowed && !allowed.has(doc)) continue;
          const s = weight * p[i + 1];
          if (!(scores.get(doc) >= s)) scores.set(doc, s);
        }
      }
      if (scores.size || !w.optional) perWord.push({ scores, optional: w.optional });
    }
    const required = perWord.filter((w) => !w.optional && w.scores.size);
    const total = new Map();
    const hits = new Map();
    for (const w of perWord) {
      for (const [doc, s] of w.scores) {
        total.set(doc, (total.get(doc) || 0) + s);
        if (!w.optional) hits.set(doc, (hits.get(doc) || 0) + 1);
      }
    }
    let docs = [...total.keys()];
    if (required.length) {
      const all = docs.filter((d) => hits.get(d) === required.length);
      // No document has every word: rank by how many words each has.
      docs = all.length ? all : docs.filter((d) => hits.get(d));
    }
    docs.sort(
      (a, b) => (hits.get(b) || 0) - (hits.get(a) || 0) || total.get(b) - total.get(a) || a - b,
    );
    return {
      words,
      total: docs.length,
      results: docs.slice(0, limit).map((doc) => ({ doc, score: total.get(doc) })),
    };
  }

  /// The stored fields of document `doc`: url, title, section, date,
  /// authors, tags, highlights, body.
  async fragment(doc) {
    const { chunk, files } = this.manifest.docmap;
    const map = await this.load(files[Math.floor(doc / chunk)]);
    return this.load(`f/${map[doc % chunk]}.json.gz`);
  }
}

async function loadFile(fetchImpl, url, stats) {
  const res = await fetchImpl(url);
  if (!res.ok) throw new Error(`quire search: ${url}: HTTP ${res.status}`);
  const buf = await res.arrayBuffer();
  stats.bytes += buf.byteLength;
  stats.requests += 1;
  let text;
  if (url.endsWith(".gz")) {
    // No server-side compression is assumed: the files are gzip on disk.
    const stream = new Blob([buf]).stream().pipeThrough(new DecompressionStream("gzip"));
    text = await new Response(stream).text();
  } else {
    text = new TextDecoder().decode(buf);
  }
  return JSON.parse(text);
}

/// Opens the index at `baseUrl` (the site-absolute `/search/<lang>/`).
export async function openIndex(baseUrl, { fetch: fetchImpl = globalThis.fetch.bind(globalThis) } = {}) {
  const base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
  const stats = { bytes: 0, requests: 0 };
  const manifest = await loadFile(fetchImpl, base + "manifest.json", stats);
  if (manifest.v !== FORMAT_VERSION) {
    throw new Error(`quire search: index format ${manifest.v}, expected ${FORMAT_VERSION}`);
  }
  const index = new SearchIndex(base, manifest, fetchImpl);
  index.stats.bytes += stats.bytes;
  index.stats.requests += stats.requests;
  return index;
}

/// The folded forms to highlight for an analysed query.
export function highlightForms(words) {
  const forms = new Set();
  for (const w of words) {
    forms.add(w.folded);
    for (const { rec } of w.terms.values()) for (const f of rec[1]) forms.add(f);
  }
  return forms;
}

/// An excerpt of `text` around the densest run of highlighted words:
/// `[{text, mark}]` pieces, at most `size` words.
export function excerpt(text, forms, lang, size = 30) {
  const words = segment(text, lang);
  if (!words.length) return [];
  let best = 0;
  let bestCount = -1;
  let count = 0;
  const hit = words.map((w) => forms.has(w.folded));
  for (let i = 0; i < words.length; i++) {
    if (hit[i]) count++;
    if (i >= size && hit[i - size]) count--;
    const start = Math.max(0, i - size + 1);
    if (count > bestCount) {
      bestCount = count;
      best = start;
    }
  }
  // Start a little before the first hit so it has some context.
  const firstHit = hit.indexOf(true, best);
  if (firstHit > best + 3) best = Math.max(0, Math.min(firstHit - 3, words.length - size));
  const end = Math.min(words.length, best + size);
  const pieces = [];
  if (best > 0) pieces.push({ text: "… ", mark: false });
  let pos = words[best].offset;
  for (let i = best; i < end; i++) {
    const w = words[i];
    if (w.offset > pos) pieces.push({ text: text.slice(pos, w.offset), mark: false });
    pieces.push({ text: w.surface, mark: hit[i] });
    pos = w.offset + w.surface.length;
  }
  if (end < words.length) pieces.push({ text: " …", mark: false });
  return pieces;
}

// ---------------------------------------------------------------- the UI

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function formatDate(date, lang) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  try {
    return new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(
      new Date(date + "T00:00:00Z"),
    );
  } catch {
    return date;
  }
}

/// Wires one search UI (the element `search_page_html` writes).
export function mount(root) {
  const lang = root.dataset.lang || document.documentElement.lang || "en";
  const strings = JSON.parse(root.dataset.strings || "{}");
  const t = (k) => strings[k] || k;
  const form = root.querySelector("form");
  const input = root.querySelector("input[type=search]");
  const status = root.querySelector("[role=status]");
  const list = root.querySelector(".quire-search-results");
  const selects = [...root.querySelectorAll("select[data-facet]")];
  const plural = new Intl.PluralRules(lang);
  let index = null;
  let opening = null;
  let seq = 0;
  let timer = 0;

  const open = () =>
    (opening ||= openIndex(root.dataset.index).then((ix) => {
      index = ix;
      populateFilters(ix);
      return ix;
    }));

  function populateFilters(ix) {
    let any = false;
    for (const select of selects) {
      const spec = ix.manifest.facets && ix.manifest.facets[select.dataset.facet];
      if (!spec || !spec.values.length) continue;
      const wanted = new URLSearchParams(location.search).get(select.name);
      for (const [value, count] of spec.values) {
        const option = document.createElement("option");
        option.value = value;
        option.textContent = `${value} (${count})`;
        if (value === wanted) option.selected = true;
        select.append(option);
      }
      select.closest("label").hidden = false;
      any = true;
    }
    if (any) root.querySelector(".quire-search-filters").hidden = false;
  }

  function filters() {
    const out = {};
    for (const s of selects) if (s.value) out[s.dataset.facet] = s.value;
    return out;
  }

  function syncUrl(q) {
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    for (const [k, v] of Object.entries(filters())) params.set(k, v);
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  async function run() {
    const q = input.value;
    const mine = ++seq;
    syncUrl(q.trim());
    if (!q.trim()) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    status.textContent = t("search_loading");
    root.setAttribute("aria-busy", "true");
    try {
      const ix = await open();
      const found = await ix.search(q, { filters: filters(), limit: 20 });
      const frags = await Promise.all(found.results.map((r) => ix.fragment(r.doc)));
      if (mine !== seq) return;
      render(found, frags, q);
    } catch (err) {
      if (mine !== seq) return;
      status.textContent = t("search_error");
      console.error(err);
    } finally {
      if (mine === seq) root.removeAttribute("aria-busy");
    }
  }

  function render(found, frags, q) {
    const forms = highlightForms(found.words);
    const items = frags.map((frag) => {
      const li = document.createElement("li");
      li.className = "quire-search-result";
      const a = document.createElement("a");
      a.href = frag.url;
      a.textContent = frag.title;
      const h = document.createElement("h2");
      h.append(a);
      const meta = document.createElement("p");
      meta.className = "quire-search-meta";
      if (frag.section) {
        const s = document.createElement("span");
        s.className = "quire-search-section";
        s.textContent = frag.section;
        meta.append(s, " · ");
      }
      const time = document.createElement("time");
      time.dateTime = frag.date;
      time.textContent = formatDate(frag.date, lang);
      meta.append(time);
      const ex = document.createElement("p");
      ex.className = "quire-search-excerpt";
      let pieces = excerpt(frag.body, forms, lang);
      if (!pieces.some((p) => p.mark) && frag.highlights.length) {
        const hl = excerpt(frag.highlights.join(" · "), forms, lang);
        if (hl.some((p) => p.mark)) pieces = hl;
      }
      for (const p of pieces) {
        if (p.mark) {
          const m = document.createElement("mark");
          m.textContent = p.text;
          ex.append(m);
        } else ex.append(p.text);
      }
      li.append(h, meta, ex);
      return li;
    });
    list.replaceChildren(...items);
    status.textContent = found.total
      ? fill(t(`search_results_${plural.select(found.total)}`) || t("search_results_other"), {
          n: found.total,
        })
      : fill(t("search_no_results"), { q: q.trim() });
  }

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  };
  input.addEventListener("input", schedule);
  input.addEventListener("focus", () => open().catch(() => {}), { once: true });
  for (const s of selects) s.addEventListener("change", run);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(timer);
    run();
  });

  // Keyboard: arrows move between the input and the result links; Escape
  // returns to the input (and clears it when already there).
  const links = () => [...list.querySelectorAll("a")];
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && links().length) {
      e.preventDefault();
      links()[0].focus();
    } else if (e.key === "Escape" && input.value) {
      input.value = "";
      run();
    }
  });
  list.addEventListener("keydown", (e) => {
    const all = links();
    const i = all.indexOf(document.activeElement);
    if (i < 0) return;
    let next = null;
    if (e.key === "ArrowDown") next = all[Math.min(i + 1, all.length - 1)];
    else if (e.key === "ArrowUp") next = i === 0 ? input : all[i - 1];
    else if (e.key === "Home") next = all[0];
    else if (e.key === "End") next = all[all.length - 1];
    else if (e.key === "Escape") next = input;
    if (next) {
      e.preventDefault();
      next.focus();
    }
  });

  const q = new URLSearchParams(location.search).get("q");
  if (q) {
    input.value = q;
    open()
      .then(run)
      .catch(() => {
        status.textContent = t("search_error");
      });
  }
}

if (typeof document !== "undefined") {
  const start = () => document.querySelectorAll("[data-quire-search]").forEach(mount);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
