// Checks the text of a printed article (pdftotext output) against the
// article's HTML: the title, the authors, the date, the body and every note
// with its URL are on paper; navigation, share links and search are not.
// Usage: node print-check.mjs <article index.html> <article.txt>
import { readFile } from "node:fs/promises";

const [htmlFile, textFile] = process.argv.slice(2);
const html = await readFile(htmlFile, "utf8");
// Line breaks and hyphenation on paper differ from the page: compare words.
const squash = (s) => s.replace(/\s+/g, " ").trim();
const text = squash(await readFile(textFile, "utf8"));
const strip = (s) =>
  squash(
    s
      .replace(/<[^>]+>/g, " ")
      .replace(/&amp;/g, "&")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">"),
  );
const one = (re) => {
  const m = re.exec(html);
  return m ? strip(m[1]) : null;
};

const failures = [];
const expect = (name, ok, detail = "") => {
  if (!ok) failures.push(`${name}${detail ? `: ${detail}` : ""}`);
};
const has = (s) => text.includes(squash(s));

const title = one(/<h1>([\s\S]*?)<\/h1>/);
expect("title printed", title && has(title), title);
const authors = [...html.matchAll(/<a rel="author"[^>]*>([^<]+)<\/a>/g)].map((m) => strip(m[1]));
expect("authors on the article", authors.length > 0);
for (const a of authors) expect(`author ${a} printed`, has(a));
const date = one(/<p class="byline">[\s\S]*?<time[^>]*>([^<]+)<\/time>/);
expect("date printed", date && has(date), date);
const firstParagraph = one(/<div class="article-body">\s*<p>([\s\S]*?)<\/p>/);
const opening = firstParagraph && firstParagraph.split(" ").slice(0, 8).join(" ");
expect("body printed", opening && has(opening), opening);
const noteUrls = [...html.matchAll(/<li id="fn-\d+">([\s\S]*?)<\/li>/g)].flatMap((m) =>
  [...m[1].matchAll(/https?:\/\/[^\s<",)]+/g)].map((u) => u[0]),
);
expect("notes carry URLs", noteUrls.length > 0);
// A long URL may wrap across lines on paper: compare without spaces.
const tight = text.replace(/\s+/g, "");
for (const u of noteUrls) expect(`note URL ${u} printed`, tight.includes(u));

const label = (cls) => one(new RegExp(`class="${cls}"[^>]*>([^<]+)<`));
const share = label("share-label");
expect("share links not printed", share && !has(share), share);
const copy = label("share-copy");
expect("copy link not printed", copy && !has(copy), copy);
const searchButton = one(/<button type="submit">([^<]+)<\/button>/);
expect("search not printed", !searchButton || !has(searchButton), searchButton);
// A navigation bar prints as its labels in a row.
const navText = (cls) => {
  const nav = new RegExp(`<nav class="${cls}"[\\s\\S]*?</nav>`).exec(html);
  return nav ? [...nav[0].matchAll(/<a [^>]*>([^<]+)<\/a>/g)].map((m) => strip(m[1])).join(" ") : null;
};
const skip = label("skip-link");
expect("skip link not printed", skip && !has(skip), skip);
const similar = one(/<h2 id="similar-heading">([^<]+)<\/h2>/);
expect("similar posts not printed", !similar || !has(similar), similar);
for (const cls of ["site-nav", "site-languages"]) {
  const row = navText(cls);
  expect(`${cls} not printed`, row && !has(row), row);
}

if (failures.length) {
  for (const f of failures) console.log(`FAIL print: ${f}`);
  process.exit(1);
}
console.log(`print: title, ${authors.length} author(s), date, body and ${noteUrls.length} note URLs on paper; no navigation, share or search`);
