// quire studio in headless Chromium: write an article with a note, a
// citation, a new source, a table and a cover image, save, publish, find it
// in a fresh `quire build`; translate it into Turkish and see it side by
// side; import a Word document; sign in as a translator, who cannot
// publish. axe on every screen (dashboard, new article, editor, import
// report, translation editor, side by side, sign-in). Run by run.sh (it
// starts the studio).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
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

    // A new source from pasted BibTeX, cited at the cursor.
    await page.keyboard.type(" Queues grow ");
    await page.getByRole("button", { name: "Add citation", exact: true }).click();
    await page.getByText("Add a source", { exact: true }).click();
    await page.getByLabel("BibTeX (paste one or more entries)").fill(
      "@book{quay2022, title = {Quays and Queues}, author = {Demir, Ece}, publisher = {Harbour Press}, year = {2022}}",
    );
    await page.getByRole("button", { name: "Add BibTeX", exact: true }).click();
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    await page.keyboard.type(".");

    // A 2 × 1 table skeleton.
    await page.keyboard.press("Control+End");
    await page.getByRole("button", { name: "Insert table", exact: true }).click();
    await page.getByLabel("Columns").fill("2");
    await page.getByLabel("Rows (below the header)").fill("1");
    await page.getByRole("button", { name: "Insert", exact: true }).click();
    await page.getByRole("textbox", { name: "Body" }).getByText("| Column 1 | Column 2 |").waitFor();

    // A cover image, uploaded into the bundle, with its alternative text.
    const png = join(mkdtempSync(join(tmpdir(), "studio-e2e-img-")), "ferry.png");
    writeFileSync(png, Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64"));
    await page.getByRole("button", { name: "Upload cover image", exact: true }).click();
    await page.getByLabel("Image file").setInputFiles(png);
    await page.getByLabel("Alternative text (describe the image; required)").fill("A ferry in pack ice");
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    assert.equal(await page.getByLabel("Image (from the article's folder)").inputValue(), "ferry.png");
    assert.equal(await page.getByLabel("Cover image alternative text (required with an image)").inputValue(), "A ferry in pack ice");

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
    assert.match(source, /\[@quay2022\]/);
    assert.match(source, /\| Column 1 \| Column 2 \|\n\| --- \| --- \|/);
    assert.match(source, /image = "ferry\.png"/);
    assert.match(source, /image_alt = "A ferry in pack ice"/);
    assert.match(readFileSync(join(site, "bibliography/sources.bib"), "utf8"), /@book\{quay2022,/);
    assert.match(html, /Demir/);

    // Translate into Turkish: the translation's editor, then side by side.
    await page.getByLabel("Translate into").selectOption("tr");
    await page.getByRole("button", { name: "Translate", exact: true }).click();
    await page.waitForURL((u) => decodeURIComponent(u.search).includes("index.tr.md"));
    await page.getByRole("heading", { name: "Original" }).waitFor();
    await axe(page, "translation editor");
    await page.getByRole("link", { name: "Side by side" }).click();
    await page.waitForURL(/\/compare\?path=/);
    const pairs = page.locator("table.side-by-side tbody tr");
    assert.ok((await pairs.count()) >= 4);
    await page.getByRole("cell", { name: /Note 1.*Port authority data for 2024\./ }).first().waitFor();
    await page.getByText("The translation is up to date with the original.").waitFor();
    await axe(page, "side-by-side page");

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
    await axe(page, "import report");

    // With accounts: the sign-in page, and a translator cannot publish.
    execFileSync(quire, ["studio", "adduser", "deniz", "--role", "translator", "--root", site], {
      input: "a long enough password\n",
    });
    const team = spawn(quire, ["studio", "--root", site, "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
    try {
      const teamUrl = await new Promise((resolve, reject) => {
        let seen = "";
        team.stderr.on("data", (d) => {
          seen += d;
          const m = seen.match(/quire studio at (http:\S+)/);
          if (m) resolve(m[1]);
        });
        team.on("exit", () => reject(new Error(`the second studio stopped: ${seen}`)));
      });
      const login = await browser.newPage({ locale: "en-GB" });
      await login.goto(teamUrl);
      await login.waitForURL(/\/login/);
      await axe(login, "sign-in page");
      await login.getByLabel("Login name").fill("deniz");
      await login.getByLabel("Password").fill("a long enough password");
      await login.getByRole("button", { name: "Sign in" }).click();
      await login.getByRole("table").waitFor();
      await login.goto(new URL("/edit?path=" + encodeURIComponent("content/analysis/caspian-ferries-in-winter/index.tr.md"), teamUrl).href);
      await login.getByRole("textbox", { name: "Body" }).waitFor();
      assert.equal(await login.getByRole("button", { name: "Publish", exact: true }).count(), 0);
    } finally {
      team.kill();
    }
  } finally {
    await browser.close();
  }
});
