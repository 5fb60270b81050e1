// End-to-end test of the search UI in headless Chromium: serves a built
// site on 127.0.0.1, types queries on each language's search page and
// asserts on the results shown; also the `?q=` hand-off from the header
// form, keyboard navigation, filters and the no-JavaScript message.
//
// Run (see e2e/README.md):
//   QUIRE_E2E_SITE=DIR QUIRE_E2E_MODULES=NODE_MODULES [QUIRE_E2E_CASES=FILE] \
//     node --test crates/quire-search/e2e/search.e2e.mjs
// NODE_MODULES must hold playwright-core; Chromium is /usr/bin/chromium
// (Debian `chromium`) unless CHROMIUM says otherwise.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { serve } from "../eval/serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const site = process.env.QUIRE_E2E_SITE;
const modules = process.env.QUIRE_E2E_MODULES;
if (!site || !modules) {
  throw new Error("set QUIRE_E2E_SITE (a built site) and QUIRE_E2E_MODULES (node_modules with playwright-core)");
}
const spec = JSON.parse(await readFile(process.env.QUIRE_E2E_CASES || join(here, "cases.eval-site.json"), "utf8"));
const { chromium } = await import(join(modules, "playwright-core", "index.mjs"));

let browser;
let server;
before(async () => {
  server = await serve(site);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium" });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/// A page that fails the test on any script error.
async function newPage(options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // Failed loads are reported by URL below; the console repeats them without one.
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
  });
  page.on("response", (r) => {
    const path = new URL(r.url()).pathname;
    if (r.status() >= 400 && path !== "/favicon.ico") errors.push(`${r.status()} ${path}`);
  });
  return { page, errors, close: () => context.close() };
}

const linkTo = (href) => `a[href="${href}"]`;
const resultLink = (href) => `.quire-search-results ${linkTo(href)}`;

for (const c of spec.cases) {
  test(`${c.lang}: typing "${c.query}" shows ${c.expect}`, async () => {
    const { page, errors, close } = await newPage();
    try {
      await page.goto(server.url + c.page);
      const input = page.locator("#quire-search-q");
      await input.click();
      // Type like a reader: results update as the query grows.
      await input.pressSequentially(c.query, { delay: 40 });
      await page.waitForSelector(resultLink(c.expect), { timeout: 10_000 });
      const first = page.locator(".quire-search-result").first();
      assert.ok((await first.locator("h2 a").textContent()).length > 0, "result has a title");
      assert.ok(await first.locator("time").getAttribute("datetime"), "result has a date");
      const status = await page.locator("#quire-search-status").textContent();
      assert.match(status, /\d/, "the live region announces a count");
      const marks = await page.locator(`.quire-search-result:has(${linkTo(c.expect)}) mark`).count();
      assert.ok(marks > 0, "the expected result's excerpt highlights the matched words");
      assert.ok(page.url().includes("q="), "the query is kept in the URL");
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
}

test("the header form hands the query to the search page via ?q=", async () => {
  const h = spec.header;
  const { page, errors, close } = await newPage();
  try {
    await page.goto(server.url + h.from);
    await page.locator('header form[role=search] input[name=q]').fill(h.query);
    await page.locator('header form[role=search] input[name=q]').press("Enter");
    await page.waitForURL(/\/search\/\?q=/);
    await page.waitForSelector(resultLink(h.expect), { timeout: 10_000 });
    assert.equal(await page.locator("#quire-search-q").inputValue(), h.query);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test("keyboard: ArrowDown reaches the results, Escape returns to the input", async () => {
  const c = spec.cases[0];
  const { page, close } = await newPage();
  try {
    await page.goto(`${server.url}${c.page}?q=${encodeURIComponent(c.query)}`);
    await page.waitForSelector(resultLink(c.expect));
    await page.locator("#quire-search-q").focus();
    await page.keyboard.press("ArrowDown");
    const focused = await page.evaluate(() => document.activeElement.closest(".quire-search-result") !== null);
    assert.ok(focused, "first result link has focus");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Escape");
    assert.equal(await page.evaluate(() => document.activeElement.id), "quire-search-q");
  } finally {
    await close();
  }
});

test("filters narrow the results to the chosen section", async () => {
  const c = spec.cases.find((x) => x.lang === "tr") || spec.cases[0];
  const { page, close } = await newPage();
  try {
    await page.goto(`${server.url}${c.page}?q=${encodeURIComponent(c.query)}`);
    await page.waitForSelector(resultLink(c.expect));
    const select = page.locator('select[data-facet="section"]');
    assert.ok(await select.isVisible(), "the section filter is shown");
    const section = await page
      .locator(`.quire-search-result:has(${linkTo(c.expect)}) .quire-search-section`)
      .textContent();
    const option = await select.locator("option", { hasText: section }).first().getAttribute("value");
    await select.selectOption(option);
    await page.waitForFunction(
      (s) => [...document.querySelectorAll(".quire-search-section")].every((e) => e.textContent === s),
      section,
    );
    assert.ok(await page.locator(resultLink(c.expect)).count(), "the expected result stays");
    assert.ok(page.url().includes("section="), "the filter is kept in the URL");
  } finally {
    await close();
  }
});

test("without JavaScript the page says search needs it", async () => {
  const c = spec.cases[0];
  const { page, close } = await newPage({ javaScriptEnabled: false });
  try {
    await page.goto(server.url + c.page);
    const text = await page.locator(".quire-search-noscript").textContent();
    assert.ok(text && text.includes("JavaScript"), text);
    assert.ok(await page.locator(".quire-search-noscript").isVisible());
  } finally {
    await close();
  }
});
