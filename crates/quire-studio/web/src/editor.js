// quire studio's editor script: CodeMirror 6 on the article body (the
// plain <textarea> stays the form field and works without this script),
// the formatting toolbar, the note / citation / link / image pickers, the
// live preview and the autosave. Bundled by build.sh into
// ../assets/editor.js; nothing is loaded from elsewhere.
import { EditorView, keymap, drawSelection, highlightActiveLine, lineNumbers } from "@codemirror/view";
import { EditorState, EditorSelection } from "@codemirror/state";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { markdown } from "@codemirror/lang-markdown";
import { syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";

const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
const form = document.getElementById("editor");

/** Text operations on the body, whether CodeMirror runs or not. */
function makeBody(textarea) {
  let view = null;
  const api = {
    get: () => (view ? view.state.doc.toString() : textarea.value),
    focus: () => (view ? view.focus() : textarea.focus()),
    selection() {
      if (view) {
        const r = view.state.selection.main;
        return { from: r.from, to: r.to };
      }
      return { from: textarea.selectionStart, to: textarea.selectionEnd };
    },
    /** Replaces from..to with text and selects selFrom..selTo (relative to from). */
    replace(from, to, text, selFrom, selTo) {
      if (view) {
        view.dispatch({
          changes: { from, to, insert: text },
          selection: EditorSelection.range(from + (selFrom ?? text.length), from + (selTo ?? selFrom ?? text.length)),
          scrollIntoView: true,
        });
      } else {
        textarea.setRangeText(text, from, to, "end");
        if (selFrom !== undefined) textarea.setSelectionRange(from + selFrom, from + (selTo ?? selFrom));
        onChange();
      }
    },
    append(text) {
      const end = api.get().length;
      api.replace(end, end, text, undefined);
    },
    goToLine(n) {
      if (!view) return;
      const line = view.state.doc.line(Math.max(1, Math.min(n, view.state.doc.lines)));
      view.dispatch({ selection: { anchor: line.from }, scrollIntoView: true });
      view.focus();
    },
  };
  const wrap = (before, after) => () => {
    const { from, to } = api.selection();
    const text = api.get().slice(from, to);
    api.replace(from, to, before + text + after, before.length, before.length + text.length);
    api.focus();
    return true;
  };
  api.bold = wrap("**", "**");
  api.italic = wrap("*", "*");
  api.linePrefix = (prefix) => () => {
    const doc = api.get();
    const { from, to } = api.selection();
    const start = doc.lastIndexOf("\n", from - 1) + 1;
    const lines = doc.slice(start, to).split("\n").map((l) => (l.startsWith(prefix) ? l : prefix + l));
    const text = lines.join("\n");
    api.replace(start, Math.max(to, start), text, text.length);
    api.focus();
    return true;
  };
  try {
    view = new EditorView({
      state: EditorState.create({
        doc: textarea.value,
        extensions: [
          lineNumbers(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          EditorView.lineWrapping,
          markdown(),
          syntaxHighlighting(defaultHighlightStyle),
          keymap.of([
            { key: "Mod-b", run: () => api.bold() },
            { key: "Mod-i", run: () => api.italic() },
            { key: "Mod-k", run: () => (openLink(), true) },
            ...defaultKeymap,
            ...historyKeymap,
            indentWithTab,
          ]),
          EditorView.contentAttributes.of({ "aria-label": textarea.labels?.[0]?.textContent || "Body", "aria-multiline": "true" }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) {
              textarea.value = u.state.doc.toString();
              onChange();
            }
          }),
        ],
      }),
    });
    textarea.hidden = true;
    textarea.after(view.dom);
    // The label now names the editor: clicking it focuses the editor.
    textarea.labels?.[0]?.addEventListener("click", (e) => { e.preventDefault(); view.focus(); });
    view.dom.classList.add("cm-body");
  } catch (e) {
    view = null;
    textarea.hidden = false;
  }
  textarea.addEventListener("input", onChange);
  return api;
}

let changeTimer = null;
let dirty = false;
function onChange() {
  dirty = true;
  clearTimeout(changeTimer);
  changeTimer = setTimeout(refreshPreview, 350);
}

let body = null;

function formBody() {
  const data = new URLSearchParams(new FormData(form));
  data.set("body", body.get());
  data.set("csrf", csrf);
  return data;
}

// ---- preview ----
let previewBusy = false;
let previewAgain = false;
async function refreshPreview() {
  if (previewBusy) { previewAgain = true; return; }
  previewBusy = true;
  try {
    const r = await fetch("/api/preview", { method: "POST", body: formBody(), headers: { "X-CSRF-Token": csrf } });
    if (r.ok) {
      const answer = await r.json();
      const frame = document.getElementById("preview");
      let y = 0;
      try { y = frame.contentWindow.scrollY; } catch (_) {}
      if (answer.html) {
        frame.addEventListener("load", () => { try { frame.contentWindow.scrollTo(0, y); } catch (_) {} }, { once: true });
        frame.srcdoc = answer.html;
      }
      showProblems(answer);
    }
  } catch (_) {
    // Offline or restarting: the next change tries again.
  } finally {
    previewBusy = false;
    if (previewAgain) { previewAgain = false; refreshPreview(); }
  }
}

function showProblems(answer) {
  const list = document.getElementById("problems");
  if (!list) return;
  list.replaceChildren();
  if (!answer.diagnostics.length) {
    const li = document.createElement("li");
    li.textContent = list.dataset.none || "No problems found.";
    list.append(li);
    return;
  }
  for (const d of answer.diagnostics) {
    const li = document.createElement("li");
    li.className = d.severity;
    const bodyLine = d.line ? d.line - answer.body_line + 1 : 0;
    if (bodyLine > 0) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = `${d.severity} · ${bodyLine}:${d.col}`;
      b.addEventListener("click", () => body.goToLine(bodyLine));
      li.append(b, " ", d.message);
    } else {
      li.textContent = `${d.severity}: ${d.message}`;
    }
    list.append(li);
  }
}

// ---- autosave ----
async function autosave() {
  if (!dirty) return;
  dirty = false;
  const status = document.getElementById("autosave-status");
  try {
    const r = await fetch("/api/autosave", { method: "POST", body: formBody(), headers: { "X-CSRF-Token": csrf } });
    if (r.ok && status) status.textContent = "✓ " + new Date().toLocaleTimeString();
  } catch (_) {
    dirty = true;
  }
}

// ---- notes ----
function addNote() {
  const text = body.get();
  let n = 0;
  for (const m of text.matchAll(/\[\^(\d+)\]/g)) n = Math.max(n, parseInt(m[1], 10));
  n += 1;
  const { to } = body.selection();
  const marker = `[^${n}]`;
  body.replace(to, to, marker);
  const end = body.get().length;
  const sep = body.get().endsWith("\n\n") ? "" : body.get().endsWith("\n") ? "\n" : "\n\n";
  const def = `${sep}[^${n}]: `;
  body.replace(end, end, def, def.length);
  body.focus();
}

// ---- pickers ----
function dialog(id) {
  const d = document.getElementById(id);
  d.querySelectorAll(".close").forEach((b) => (b.onclick = () => d.close()));
  return d;
}

function pickList(listEl, items, label, choose) {
  listEl.replaceChildren();
  for (const item of items) {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label(item);
    b.addEventListener("click", () => choose(item));
    li.append(b);
    listEl.append(li);
  }
}

let insertAt = 0;
function openCite() {
  insertAt = body.selection().to;
  const d = dialog("dlg-cite");
  const q = document.getElementById("cite-q");
  const list = document.getElementById("cite-results");
  const search = async () => {
    const r = await fetch("/api/bib?q=" + encodeURIComponent(q.value));
    const items = r.ok ? await r.json() : [];
    pickList(list, items, (e) => `${e.author} (${e.year}) ${e.title} — @${e.key}`, (e) => {
      const page = document.getElementById("cite-page").value.trim();
      const cite = page ? `[@${e.key}, p. ${page}]` : `[@${e.key}]`;
      body.replace(insertAt, insertAt, cite);
      d.close();
      body.focus();
    });
  };
  q.oninput = search;
  // Add a source: the new entry is written to the bibliography and cited.
  const status = document.getElementById("source-status");
  status.textContent = "";
  d.querySelectorAll("form.add-source").forEach((f) => {
    f.onsubmit = async (e) => {
      e.preventDefault();
      const data = new URLSearchParams(new FormData(f));
      data.set("kind", f.dataset.kind);
      status.textContent = "…";
      const r = await fetch("/api/bib/add", {
        method: "POST",
        body: data,
        headers: { "X-CSRF-Token": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      });
      if (!r.ok) { status.textContent = await r.text(); return; }
      const added = await r.json();
      const first = added.entries[0];
      status.textContent = status.dataset.added.replace("{key}", first.key).replace("{file}", added.file);
      const page = document.getElementById("cite-page").value.trim();
      body.replace(insertAt, insertAt, page ? `[@${first.key}, p. ${page}]` : `[@${first.key}]`);
      f.reset();
      d.close();
      body.focus();
    };
  });
  d.showModal();
  search();
}

function openLink() {
  const sel = body.selection();
  const d = dialog("dlg-link");
  const q = document.getElementById("link-q");
  const list = document.getElementById("link-results");
  const search = async () => {
    const r = await fetch("/api/articles?q=" + encodeURIComponent(q.value));
    const items = r.ok ? await r.json() : [];
    pickList(list, items, (a) => `${a.title} (${a.lang})`, (a) => {
      const selected = body.get().slice(sel.from, sel.to);
      const text = selected || a.title;
      body.replace(sel.from, sel.to, `[${text}](${a.link})`);
      d.close();
      body.focus();
    });
  };
  q.oninput = search;
  d.showModal();
  search();
}

// A Markdown table of `cols` columns and `rows` body rows, the header
// cells named from `label` ("Column {n}").
function tableSkeleton(cols, rows, label) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  const header = Array.from({ length: cols }, (_, i) => label.replace("{n}", i + 1));
  const out = [line(header), line(header.map(() => "---"))];
  for (let r = 0; r < rows; r++) out.push(line(header.map(() => " ")));
  return out.join("\n");
}

function openTable() {
  insertAt = body.selection().to;
  const d = dialog("dlg-table");
  const f = document.getElementById("table-form");
  f.onsubmit = (e) => {
    e.preventDefault();
    const clamp = (v, max) => Math.min(max, Math.max(1, parseInt(v, 10) || 1));
    const cols = clamp(document.getElementById("table-cols").value, 20);
    const rows = clamp(document.getElementById("table-rows").value, 100);
    body.replace(insertAt, insertAt, `\n\n${tableSkeleton(cols, rows, f.dataset.header)}\n\n`);
    d.close();
    body.focus();
  };
  d.showModal();
}

function openImage(cover) {
  insertAt = body.selection().to;
  const d = dialog("dlg-image");
  const f = document.getElementById("image-form");
  const err = document.getElementById("image-error");
  err.textContent = "";
  f.onsubmit = async (e) => {
    e.preventDefault();
    const file = document.getElementById("image-file").files[0];
    const alt = document.getElementById("image-alt").value.trim();
    if (!file || !alt) { err.textContent = document.querySelector('label[for="image-alt"]').textContent; return; }
    const data = new FormData();
    data.append("path", form.querySelector('[name="path"]').value);
    data.append("alt", alt);
    data.append("file", file);
    const r = await fetch("/api/upload", { method: "POST", body: data, headers: { "X-CSRF-Token": csrf } });
    if (!r.ok) { err.textContent = await r.text(); return; }
    const answer = await r.json();
    if (cover === true) {
      // The cover: chosen in the form, its text filled in, body untouched.
      const select = document.getElementById("f-image");
      const option = document.createElement("option");
      option.value = option.textContent = answer.file;
      select.append(option);
      select.value = answer.file;
      const altField = document.getElementById("f-image-alt");
      if (!altField.value.trim()) altField.value = alt;
      d.close();
      onChange();
      select.focus();
      return;
    }
    body.replace(insertAt, insertAt, `\n\n${answer.markdown}\n\n`);
    d.close();
    body.focus();
  };
  d.showModal();
}

// ---- list fields: add an item ----
function addItem(button) {
  const fieldset = button.closest("fieldset");
  const count = fieldset.querySelectorAll(`input[name="${button.dataset.name}"]`).length + 1;
  const p = document.createElement("p");
  const id = `add-${button.dataset.name.replace(/\W/g, "-")}-${count}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = button.dataset.label.replace("{n}", count);
  const input = document.createElement("input");
  input.id = id;
  input.name = button.dataset.name;
  if (button.dataset.list) input.setAttribute("list", button.dataset.list);
  p.append(label, input);
  button.before(p);
  input.focus();
}

if (form) {
  body = makeBody(document.getElementById("body"));
  const actions = {
    bold: () => body.bold(),
    italic: () => body.italic(),
    heading: () => body.linePrefix("## ")(),
    list: () => body.linePrefix("- ")(),
    quote: () => body.linePrefix("> ")(),
    link: openLink,
    note: addNote,
    cite: openCite,
    image: () => openImage(false),
    cover: () => openImage(true),
    table: openTable,
  };
  document.querySelectorAll("[data-action]").forEach((b) => b.addEventListener("click", () => actions[b.dataset.action]()));
  document.querySelectorAll(".add-item").forEach((b) => b.addEventListener("click", () => addItem(b)));
  form.addEventListener("input", (e) => { if (e.target.id !== "body") onChange(); });
  form.addEventListener("submit", () => { document.getElementById("body").value = body.get(); dirty = false; });
  const slug = document.getElementById("f-slug");
  const out = document.querySelector("#f-address output");
  if (slug && out && out.textContent) {
    const base = out.textContent.replace(/[^/]+\/$/, "");
    slug.addEventListener("input", () => { if (slug.value.trim()) out.textContent = base + slug.value.trim() + "/"; });
  }
  setInterval(autosave, 3000);
  refreshPreview();
}
