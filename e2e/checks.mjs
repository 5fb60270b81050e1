// Browser checks of the built example site in headless Chromium (Debian's,
// driven by playwright-core): reader behaviour, accessibility (axe-core) in
// light and dark, no third-party requests, readability without JavaScript,
// article weight, layout from 320 px up, right-to-left mirroring.
//
// Usage: node checks.mjs <base-url> <site-dir> <artifacts-dir>
// Writes screenshots and pages.json (the page of each type in each
// language, for the HTML checker and Lighthouse) into <artifacts-dir>.
// Exits 1 when any check fails, listing every failure.
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

const [base, siteDir, outDir] = process.argv.slice(2);
if (!base || !siteDir || !outDir) {
  console.error("usage: node checks.mjs <base-url> <site-dir> <artifacts-dir>");
  process.exit(2);
}
await mkdir(outDir, { recursive: true });
const origin = new URL(base).origin;

const failures = [];
let passed = 0;
function check(name, ok, detail = "") {
  if (ok) {
    passed += 1;
  } else {
    failures.push(`${name}${detail ? `: ${detail}` : ""}`);
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ""}`);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

// Every request any page makes, to prove nothing leaves the site's origin.
const thirdParty = new Set();
async function newPage(options = {}) {
  const context = await browser.newContext({ baseURL: base, ...options });
  const page = await context.newPage();
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("blob:")) {
      thirdParty.add(`${url} (from ${page.url()})`);
    }
  });
  return { context, page };
}

const path = (href) => new URL(href, base).pathname;

// ---- discover one page of each type in each language ----------------------
const { context: discoverCtx, page } = await newPage();
await page.goto("/");
const languages = await page.$$eval(".site-languages a", (as) =>
  as.map((a) => ({ code: a.getAttribute("lang"), home: a.getAttribute("href") })),
);
check("the header lists several languages", languages.length >= 2, JSON.stringify(languages));
// The about page is the example's one page outside sections; its versions
// are found through its translation links (their slugs differ).
const aboutPaths = { [languages[0].code]: "/about/" };
await page.goto("/about/");
for (const a of await page.$$eval("nav.translations a", (as) => as.map((a) => [a.getAttribute("hreflang"), a.getAttribute("href")]))) {
  aboutPaths[a[0]] = path(a[1]);
}
const pages = {};
for (const { code, home } of languages) {
  await page.goto(home);
  const first = async (selector) => {
    const href = await page.$eval(selector, (a) => a.getAttribute("href")).catch(() => null);
    check(`${code}: home has ${selector}`, href !== null);
    return href && path(href);
  };
  const types = { home: path(home) };
  types.section = await first(".site-nav a");
  types.search = await page
    .$eval("form.site-search", (f) => f.getAttribute("action"))
    .then(path)
    .catch(() => null);
  types.authors = await first(".site-footer a[href*='authors']");
  // The home page lists its language's articles: take the first that has
  // the most translations, so the switcher has somewhere to go.
  const cards = await page.$$eval(".card-title a", (as) => as.map((a) => a.getAttribute("href")));
  check(`${code}: home lists articles`, cards.length > 0);
  let best = -1;
  for (const href of cards) {
    await page.goto(href);
    const n = await page.$$eval("nav.translations a", (as) => as.length);
    if (n > best) [best, types.article] = [n, path(href)];
  }
  await page.goto(types.article);
  types.author = await first("a[rel=author]");
  types.term = await first("a[rel=tag]");
  types.taxonomy_list = types.term.replace(/[^/]+\/$/, "");
  types.page = aboutPaths[code];
  check(`${code}: the about page exists`, !!types.page);
  types["404"] = `${types.home}404.html`;
  pages[code] = types;
}
await discoverCtx.close();
await writeFile(join(outDir, "pages.json"), JSON.stringify(pages, null, 2));

// Every page type answers 200 (the 404 page itself is a file too).
{
  const { context, page } = await newPage();
  for (const [code, types] of Object.entries(pages)) {
    for (const [type, url] of Object.entries(types)) {
      const res = await page.goto(url);
      check(`${code} ${type} ${url} loads`, res && res.status() === 200, `status ${res && res.status()}`);
    }
  }
  const missing = await page.goto("/no-such-page/");
  check("a missing page answers 404 with the site's page", missing.status() === 404 && (await page.$("main")) !== null);
  await context.close();
}

// ---- reader behaviour (default language) ----------------------------------
const en = pages[languages[0].code];
{
  const { context, page } = await newPage();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  await page.goto(en.article);
  const permalink = await page.$eval("link[rel=canonical]", (l) => l.href);

  // Translation switcher: each link leads to that language's version, which
  // links back to this one.
  const translations = await page.$$eval("nav.translations a", (as) =>
    as.map((a) => ({ href: a.getAttribute("href"), lang: a.getAttribute("lang"), hreflang: a.getAttribute("hreflang") })),
  );
  check("the article has translations", translations.length >= 2, JSON.stringify(translations));
  for (const t of translations) {
    await page.goto(en.article);
    await page.click(`nav.translations a[hreflang="${t.hreflang}"]`);
    await page.waitForLoadState();
    const htmlLang = await page.getAttribute("html", "lang");
    check(`translation link ${t.hreflang} opens that language`, htmlLang === t.lang && path(page.url()) === path(t.href), `${htmlLang} ${page.url()}`);
    const back = await page.$$eval("nav.translations a", (as) => as.map((a) => new URL(a.href).pathname));
    check(`the ${t.hreflang} version links back`, back.includes(path(en.article)), back.join(" "));
  }

  // Footnotes: marker → note → back to the marker.
  await page.goto(en.article);
  const marker = page.locator("a[role=doc-noteref]").first();
  const markerId = await marker.getAttribute("id");
  const noteHref = await marker.getAttribute("href");
  await marker.click();
  check("a note marker jumps to its note", new URL(page.url()).hash === noteHref, page.url());
  const noteVisible = await page.locator(`${noteHref}`).isVisible();
  // A pixel of slack: the browser may scroll to a sub-pixel position.
  const inView = await page.$eval(noteHref, (el) => {
    const r = el.getBoundingClientRect();
    return r.top >= -1 && r.top < window.innerHeight;
  });
  check("the note is shown in the viewport", noteVisible && inView);
  await page.locator(`${noteHref} a.footnote-backref`).first().click();
  check("the back link returns to the marker", new URL(page.url()).hash === `#${markerId}`, page.url());
  const markerInView = await page.$eval(`#${markerId}`, (el) => {
    const r = el.getBoundingClientRect();
    return r.top >= -1 && r.top < window.innerHeight;
  });
  check("the marker is in the viewport again", markerInView);

  // Copy link: the clipboard holds the page's URL.
  await page.click("a.share-copy");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check("copy-link puts the permalink on the clipboard", copied === permalink, `${copied} vs ${permalink}`);
  check("copy-link confirms", (await page.textContent("a.share-copy")) !== "", "");
  check("copy-link did not navigate", path(page.url()) === path(en.article));

  // Share links carry the page URL (encoded in the network's share URL).
  const shares = await page.$$eval("nav.share a:not(.share-copy)", (as) => as.map((a) => a.href));
  check("there are share links", shares.length >= 3, shares.join(" "));
  for (const s of shares) {
    const decoded = decodeURIComponent(s);
    check(`share link carries the URL: ${s.slice(0, 40)}…`, decoded.includes(permalink), s);
  }

  // Similar posts: each link opens an article in the same language.
  const similar = await page.$$eval("aside.similar-posts a", (as) => as.map((a) => a.getAttribute("href")));
  check("similar posts are listed", similar.length >= 1);
  for (const href of similar) {
    const res = await page.goto(href);
    const ok = res.status() === 200 && (await page.getAttribute("html", "lang")) === languages[0].code && (await page.$("article h1")) !== null;
    check(`similar post ${href} opens an article`, ok);
  }

  // Pagination: the section spans pages; next and prev walk them.
  await page.goto(en.section);
  const firstTitles = await page.$$eval(".card-title a", (as) => as.map((a) => a.textContent));
  const next = page.locator(".pagination a[rel=next]");
  check("the section has a next page", (await next.count()) === 1);
  if ((await next.count()) === 1) {
    await next.click();
    await page.waitForLoadState();
    const secondTitles = await page.$$eval(".card-title a", (as) => as.map((a) => a.textContent));
    check("page 2 shows other articles", secondTitles.length > 0 && secondTitles.every((t) => !firstTitles.includes(t)), secondTitles.join(" | "));
    await page.click(".pagination a[rel=prev]");
    await page.waitForLoadState();
    check("prev returns to page 1", path(page.url()) === en.section, page.url());
  }

  // Search: the search page finds an article of its language, locally.
  await page.goto(`${en.search}?q=Danube`);
  const hit = await page
    .waitForSelector(`main a[href*="/"]:not(.skip-link)`, { timeout: 5000 })
    .then(() => true)
    .catch(() => false);
  check("search shows results", hit);
  await context.close();
}

// ---- accessibility: axe, skip link, landmarks, focus, lang ---------------
for (const scheme of ["light", "dark"]) {
  const { context, page } = await newPage({ colorScheme: scheme });
  for (const [code, types] of Object.entries(pages)) {
    for (const [type, url] of Object.entries(types)) {
      await page.goto(url);
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(() =>
        window.axe.run(document, { resultTypes: ["violations"] }),
      );
      const v = result.violations.map(
        (x) => `${x.id} (${x.nodes.length}: ${x.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", ")})`,
      );
      check(`axe ${scheme} ${code} ${type}`, v.length === 0, v.join("; "));
      if (scheme === "dark") continue;
      const facts = await page.evaluate(() => {
        const first = document.querySelector("body a, body button, body input");
        const skip = document.querySelector("a.skip-link");
        const target = skip && document.querySelector(skip.getAttribute("href"));
        const switchLinks = [...document.querySelectorAll(".site-languages a, nav.translations a")];
        return {
          skipFirst: first === skip,
          skipTarget: !!target && target.tagName === "MAIN",
          landmarks: ["header", "main", "footer", "nav"].every((t) => document.querySelector(t)),
          oneMain: document.querySelectorAll("main").length === 1,
          langMissing: switchLinks.filter((a) => !a.getAttribute("lang")).map((a) => a.textContent),
          htmlLang: document.documentElement.lang,
          dir: document.documentElement.dir,
        };
      });
      check(`${code} ${type}: skip link first, to <main>`, facts.skipFirst && facts.skipTarget);
      check(`${code} ${type}: landmarks`, facts.landmarks && facts.oneMain);
      check(`${code} ${type}: lang on every language switch link`, facts.langMissing.length === 0, facts.langMissing.join(", "));
      check(`${code} ${type}: html lang`, facts.htmlLang === code, facts.htmlLang);
    }
  }
  // Visible focus: keyboard focus on the skip link and on a content link
  // draws an outline in both schemes.
  await page.goto(en.article);
  await page.keyboard.press("Tab");
  const skipFocus = await page.evaluate(() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return { cls: el.className, outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2, visible: r.top >= 0 && r.height > 0 };
  });
  check(`${scheme}: Tab focuses the skip link, visibly`, skipFocus.cls === "skip-link" && skipFocus.outline && skipFocus.visible, JSON.stringify(skipFocus));
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  const next = await page.evaluate(() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    return { inMain: !!el.closest("main"), outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2 };
  });
  check(`${scheme}: after the skip link, Tab lands in <main> with an outline`, next.inMain && next.outline, JSON.stringify(next));
  await context.close();
}

// ---- readable without JavaScript ------------------------------------------
{
  const { context, page } = await newPage({ javaScriptEnabled: false });
  await page.goto(en.article);
  const facts = await page.evaluate(() => ({
    h1: document.querySelector("h1")?.textContent.trim().length > 0,
    body: document.querySelector(".article-body")?.innerText.length,
    notes: document.querySelectorAll("section.footnotes li").length,
    styled: getComputedStyle(document.body).fontFamily.length > 0 && document.styleSheets.length > 0,
  }));
  check("the article reads without JavaScript", facts.h1 && facts.body > 1000 && facts.notes > 0 && facts.styled, JSON.stringify(facts));
  await context.close();
}

// ---- weight: HTML + CSS of an article, gzipped ----------------------------
const weights = {};
{
  const html = await readFile(join(siteDir, en.article, "index.html"));
  const cssHref = /<link rel="stylesheet" href="([^"]+)"/.exec(html.toString())[1];
  const css = await readFile(join(siteDir, path(cssHref)));
  const gz = (b) => gzipSync(b, { level: 6 }).length;
  weights.article = en.article;
  weights.html = html.length;
  weights.css = css.length;
  weights.html_gzip = gz(html);
  weights.css_gzip = gz(css);
  weights.total_gzip = weights.html_gzip + weights.css_gzip;
  check("article HTML + CSS ≤ 30 KB gzipped", weights.total_gzip <= 30 * 1024, JSON.stringify(weights));
  await writeFile(join(outDir, "weight.json"), JSON.stringify(weights, null, 2));
}

// ---- layout from 320 px up; light and dark screenshots --------------------
const shots = [];
for (const [width, scheme] of [[320, "light"], [768, "dark"], [1440, "light"]]) {
  const { context, page } = await newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
  for (const [code, types] of Object.entries(pages)) {
    for (const [type, url] of Object.entries(types)) {
      await page.goto(url);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(`${code} ${type} at ${width}px: no horizontal scrolling`, overflow <= 0, `${overflow}px too wide`);
    }
  }
  for (const [name, url] of [["article", en.article], ["section", en.section]]) {
    await page.goto(url);
    const file = join(outDir, `${name}-${width}-${scheme}.png`);
    await page.screenshot({ path: file, fullPage: width === 320 ? false : false });
    shots.push(file);
  }
  await context.close();
}

// ---- right-to-left ---------------------------------------------------------
const rtl = Object.entries(pages).find(([code]) => ["ar", "fa", "he", "ur"].includes(code));
check("the example site has a right-to-left language", !!rtl);
if (rtl) {
  const [code, types] = rtl;
  const { context, page } = await newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(types.article);
  const facts = await page.evaluate(() => {
    const box = (s) => document.querySelector(s)?.getBoundingClientRect();
    const hl = document.querySelector(".highlights");
    const hs = hl && getComputedStyle(hl);
    const title = box(".site-title");
    const h1 = box("article h1");
    return {
      dir: document.documentElement.dir,
      titleRight: title && title.right > window.innerWidth / 2,
      h1Right: h1 && getComputedStyle(document.querySelector("article h1")).direction === "rtl",
      highlightsBar: hs && parseFloat(hs.borderRightWidth) > 0 && parseFloat(hs.borderLeftWidth) === 0,
      time: document.querySelector(".byline time")?.textContent,
    };
  });
  check(`${code}: dir="rtl"`, facts.dir === "rtl");
  check(`${code}: the site title sits on the right`, facts.titleRight);
  check(`${code}: the highlights bar is on the right (logical properties)`, facts.highlightsBar);
  check(`${code}: the date is localized`, /[\u0600-\u06FF]/.test(facts.time || ""), facts.time);
  await page.screenshot({ path: join(outDir, `rtl-${code}-article-1280.png`) });
  await page.setViewportSize({ width: 320, height: 900 });
  await page.screenshot({ path: join(outDir, `rtl-${code}-article-320.png`) });
  shots.push(join(outDir, `rtl-${code}-article-1280.png`), join(outDir, `rtl-${code}-article-320.png`));
  await context.close();
}

check("no request went to a third-party host", thirdParty.size === 0, [...thirdParty].slice(0, 5).join(", "));

await browser.close();
console.log(`weight: ${JSON.stringify(weights)}`);
console.log(`screenshots: ${shots.join(" ")}`);
console.log(`browser checks: ${passed} passed, ${failures.length} failed`);
if (failures.length > 0) {
  console.log(failures.map((f) => `  - ${f}`).join("\n"));
  process.exit(1);
}
