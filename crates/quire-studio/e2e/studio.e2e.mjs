// quire studio in headless Chromium: write an article with a note and a
// citation, save, publish, find it in a fresh `quire build`; axe on the
// dashboard, the new-article page and the editor; import a Word document. Run by run.sh (it starts the studio).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const url = process.env.STUDIO_URL;
const site = process.env.STUDIO_SITE;
const quire = process.env.QUIRE_BIN;
// One of Pandoc's test documents (a footnote and an endnote).
const docx = new URL("../../quire-import/tests/fixtures/docx/notes.docx", import.meta.url).pathname;

async function axe(page, what) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() =>
    // The preview frame shows the site's own page (checked by e2e/run.sh).
    window.axe.run({ exclude: [["#preview"]] }, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  const lines = result.violations.map(
    (v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  assert.deepEqual(lines, [], `axe violations on the ${what}`);
}

test("write, cite, save, publish and build an article in the studio", async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ locale: "en-GB" });
    await page.goto(url);
    await page.getByRole("table").waitFor();
    await axe(page, "dashboard");

    await page.getByRole("link", { name: "New article", exact: true }).first().click();
    // The page has two forms (a new article, a Word import): use the first.
    const newForm = page.locator('form[action="/new"]');
    await axe(page, "new-article page");
    await newForm.getByLabel("Title", { exact: true }).fill("Caspian Ferries in Winter");
    await newForm.getByLabel("Section").selectOption("analysis");
    await page.getByRole("button", { name: "Create article" }).click();
    await page.waitForURL(/\/edit\?path=/);

    const body = page.getByRole("textbox", { name: "Body" });
    await body.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("Winter storms cancel a third of the sailings.");
    await page.getByRole("button", { name: "Add note", exact: true }).click();
    await page.keyboard.type("Port authority data for 2024.");
    await page.keyboard.press("Control+End");
    await page.keyboard.type("\n\nFerries are the bottleneck ");
    await page.getByRole("button", { name: "Add citation", exact: true }).click();
    await page.getByLabel("Search the bibliography").fill("osei");
    await page.getByRole("button", { name: /Osei.*osei2019/ }).click();
    await page.keyboard.type(".");

    // The preview shows the note as the build will.
    const preview = page.frameLocator("#preview");
    await preview.getByText("Port authority data for 2024.").waitFor({ timeout: 20000 });
    await preview.getByText(/Osei/).first().waitFor();
    await axe(page, "editor");

    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Saved.").waitFor();
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page.getByText(/^Published:/).waitFor();

    const out = join(mkdtempSync(join(tmpdir(), "studio-e2e-")), "public");
    execFileSync(quire, ["build", "--root", site, "--output", out], { stdio: "inherit" });
    const html = readFileSync(join(out, "analysis/caspian-ferries-in-winter/index.html"), "utf8");
    assert.match(html, /Winter storms cancel a third of the sailings\./);
    assert.match(html, /Port authority data for 2024\./);
    assert.match(html, /Osei/);
    const source = readFileSync(join(site, "content/analysis/caspian-ferries-in-winter/index.md"), "utf8");
    assert.doesNotMatch(source, /draft/);
    assert.match(source, /\[\^1\]: Port authority data for 2024\./);
    assert.match(source, /\[@osei2019\]/);

    // A Word document dropped on "New article" becomes a draft with its notes.
    await page.goto(new URL("/new", url).href);
    const importForm = page.getByRole("form", { name: "Import a Word document" });
    await importForm.getByLabel("Word document").setInputFiles(docx);
    await importForm.getByRole("button", { name: "Import as a draft" }).click();
    await page.waitForURL(/\/edit\?path=/);
    await page.getByRole("textbox", { name: "Body" }).getByText("[^1]").first().waitFor();
    const imported = decodeURIComponent(new URL(page.url()).searchParams.get("path"));
    const importedSource = readFileSync(join(site, imported), "utf8");
    assert.match(importedSource, /draft = true/);
    assert.match(importedSource, /\[\^1\]: /);
  } finally {
    await browser.close();
  }
});
