// The page is a thin client of bibx's JSON API: every text it shows is set with textContent, never as HTML,
// because the pasted page is hostile by default.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { files: [], rows: [], excluded: new Set(), writers: {}, output: null, readSeq: 0, exportSeq: 0 };
const BUSY_AFTER_MS = 150;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "className") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

async function api(path, body) {
  const options = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, options);
  const answer = await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }));
  if (!response.ok) throw new Error(answer.error || `${response.status} ${response.statusText}`);
  return answer;
}

let busyCount = 0;
let busyTimer;
function busy(on, text) {
  busyCount += on ? 1 : -1;
  document.body.setAttribute("aria-busy", busyCount > 0 ? "true" : "false");
  if (on) {
    $("busy-text").textContent = text;
    clearTimeout(busyTimer);
    busyTimer = setTimeout(() => { if (busyCount > 0) $("busy").hidden = false; }, BUSY_AFTER_MS);
  } else if (busyCount === 0) {
    clearTimeout(busyTimer);
    $("busy").hidden = true;
  }
}

function status(message, isError = false) {
  $("status").textContent = message;
  $("status").classList.toggle("error", isError);
}

function inputs() {
  const list = [];
  const pasted = $("paste").value;
  if (pasted.trim()) list.push({ name: "pasted text", text: pasted });
  return list.concat(state.files);
}

function readBody() {
  return { inputs: inputs(), resolve: $("resolve").checked };
}

async function read() {
  const seq = ++state.readSeq;
  const body = readBody();
  if (!body.inputs.length) {
    state.rows = [];
    renderTable();
    $("summary").textContent = "Nothing read yet.";
    showOutput(null);
    return;
  }
  performance.clearMarks();
  performance.mark("bibx-read-start");  // the page's own timing: what the user waits for, measured by the browser tests
  busy(true, body.resolve ? "Reading and resolving on arXiv… (this asks arXiv about every paper)" : "Reading…");
  try {
    const answer = body.resolve ? await resolvingRead(body, seq) : await api("/api/read", body);
    if (seq !== state.readSeq) return;
    state.rows = answer.rows;
    const keys = new Set(answer.rows.filter((row) => row.kind === "paper").map((row) => row.key));
    state.excluded = new Set([...state.excluded].filter((key) => keys.has(key)));
    renderTable();
    $("summary").textContent = `bibx: ${answer.summary_line}`;
    status("");
    refreshOutput();
  } catch (error) {
    if (seq === state.readSeq) status(error.message, true);
  } finally {
    busy(false);
  }
}

// Resolving asks arXiv batch by batch: the server answers in lines, {"resolved": N} as it goes, then {"result": …}.
async function resolvingRead(body, seq) {
  const response = await fetch("/api/read", {
    method: "POST", headers: { "Content-Type": "application/json", Accept: "application/x-ndjson" }, body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error((await response.json().catch(() => ({}))).error || `${response.status} ${response.statusText}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the server stopped before it answered");
    pending += value;
    const lines = pending.split("\n");
    pending = lines.pop();
    for (const line of lines.filter(Boolean).map((text) => JSON.parse(text))) {
      if (line.error) throw new Error(line.error);
      if (line.result) return line.result;
      if (seq === state.readSeq) $("busy-text").textContent = `Resolving on arXiv… ${line.resolved.toLocaleString()} papers looked up`;
    }
  }
}

function authorsCell(row) {
  const cell = el("td", { className: "authors" });
  if (!row.authors_known) {
    cell.append(el("span", { className: "et-al", text: "(no authors listed)" }));
    return cell;
  }
  cell.append(row.authors.join(", "));
  if (row.et_al) cell.append(" ", el("span", { className: "et-al", title: "the listing gives only the first authors", text: "et al. (truncated)" }));
  return cell;
}

function notesCell(row) {
  const cell = el("td", { className: "notes" });
  for (const report of row.reports) {
    const label = report.rejected ? "✖ Rejected" : "⚠ Warning";
    const where = report.line ? `line ${report.line}: ` : "";
    cell.append(el("span", { className: `note ${report.rejected ? "bad" : "warn"}`, text: `${label} — ${where}${report.message}` }));
  }
  return cell;
}

function paperRow(row) {
  const included = !state.excluded.has(row.key);
  const box = el("input", { type: "checkbox", "aria-label": `Include ${row.key}`, "data-key": row.key });
  box.checked = included;
  const tr = el(
    "tr",
    { className: [included ? "" : "excluded", row.reports.length ? "warned" : ""].join(" ").trim(), "data-key": row.key },
    el("td", {}, box),
    el("td", { className: "key", text: row.key }),
    el("td", { className: "title", text: row.title }),
    authorsCell(row),
    el("td", { className: "date" }, row.date, ...(row.year_inferred ? [el("span", { className: "hint block", text: "year inferred" })] : [])),
    el("td", { className: "category", text: row.category }),
    el("td", { className: "source", text: row.line ? `${row.input}:${row.line}` : row.input }),
    notesCell(row),
  );
  return tr;
}

function rejectedRow(row) {
  return el(
    "tr",
    { className: row.kind === "rejected" ? "rejected" : "warned", "data-line": row.line ?? "" },
    el("td", { text: row.kind === "rejected" ? "✖ not read" : "⚠" }),
    el("td", {}), el("td", { className: "title", text: row.kind === "rejected" ? "(record rejected)" : "(warning)" }),
    el("td", {}), el("td", {}), el("td", {}),
    el("td", { className: "source", text: row.line ? `${row.input}:${row.line}` : row.input }),
    notesCell(row),
  );
}

// The first screenful at once, the rest a chunk per frame: a thousand rows appear without a frozen page.
const FIRST_ROWS = 60;
const ROWS_PER_FRAME = 300;
let renderGeneration = 0;

function renderTable() {
  const generation = ++renderGeneration;
  const tbody = $("papers").tBodies[0];
  tbody.replaceChildren(rowsFragment(0, FIRST_ROWS));
  requestAnimationFrame(() => performance.mark("bibx-rows-shown"));
  const appendFrom = (start) => {
    if (generation !== renderGeneration) return;
    if (start >= state.rows.length) {
      performance.mark("bibx-rows-all");
      return;
    }
    tbody.append(rowsFragment(start, start + ROWS_PER_FRAME));
    requestAnimationFrame(() => appendFrom(start + ROWS_PER_FRAME));
  };
  requestAnimationFrame(() => appendFrom(FIRST_ROWS));
  updateSelectionCount();
}

function rowsFragment(start, end) {
  const fragment = document.createDocumentFragment();
  for (const row of state.rows.slice(start, end)) fragment.append(row.kind === "paper" ? paperRow(row) : rejectedRow(row));
  return fragment;
}

function updateSelectionCount() {
  const papers = state.rows.filter((row) => row.kind === "paper").length;
  const excluded = state.excluded.size;
  $("selection-count").textContent = papers ? `${papers - excluded} of ${papers} papers included` : "";
}

function setIncluded(key, included) {
  if (included) state.excluded.delete(key); else state.excluded.add(key);
  const tr = $("papers").querySelector(`tr[data-key="${CSS.escape(key)}"]`);
  if (tr) tr.classList.toggle("excluded", !included);
}

function writerOptions() {
  const writer = state.writers[$("format").value];
  const options = {};
  if (writer && writer.options.includes("style") && $("style").value.trim()) options.style = $("style").value.trim();
  if (writer && writer.options.includes("locale") && $("locale").value.trim()) options.locale = $("locale").value.trim();
  return options;
}

async function refreshOutput() {
  const seq = ++state.exportSeq;
  const body = readBody();
  if (!body.inputs.length || !$("format").value) return;
  Object.assign(body, { exclude: [...state.excluded], format: $("format").value, options: writerOptions() });
  busy(true, "Writing the preview…");
  try {
    const answer = await api("/api/export", body);
    if (seq !== state.exportSeq) return;
    showOutput(answer);
    $("summary").textContent = `bibx: ${answer.summary_line}`;
    status("");
  } catch (error) {
    if (seq === state.exportSeq) { showOutput(null); status(error.message, true); }
  } finally {
    busy(false);
  }
}
const refreshSoon = debounce(refreshOutput, 250);

function showOutput(answer) {
  state.output = answer;
  $("preview").textContent = answer ? answer.text : "";
  $("download").disabled = $("copy").disabled = !answer;
  $("file-name").textContent = answer ? `${answer.filename} (${answer.media_type})` : "";
  $("export-reports").replaceChildren(
    ...(answer ? answer.reports : []).map((report) => el("li", { text: `${report.rejected ? "✖ Skipped" : "⚠ Warning"} — ${report.input}${report.line ? ":" + report.line : ""}: ${report.message}` })),
  );
}

function download() {
  const { text, filename, media_type: type } = state.output;
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  status(`Saved ${filename}.`);
}

async function copy() {
  try {
    await navigator.clipboard.writeText(state.output.text);
    status("Copied to the clipboard.");
  } catch {
    const range = document.createRange();
    range.selectNodeContents($("preview"));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    status("Copying was not allowed: the preview is selected, press Ctrl+C.", true);
  }
}

async function addFiles(fileList) {
  // A copy first: clearing the file input empties its live FileList while the texts are still being read.
  const files = [...fileList];
  const texts = await Promise.all(files.map((file) => file.text()));
  files.forEach((file, index) => state.files.push({ name: file.name, text: texts[index] }));
  renderFileList();
  read();
}

function renderFileList() {
  $("file-list").replaceChildren(
    ...state.files.map((file, index) => {
      const remove = el("button", { type: "button", className: "link", "aria-label": `Remove ${file.name}`, text: "Remove" });
      remove.addEventListener("click", () => { state.files.splice(index, 1); renderFileList(); read(); });
      return el("li", {}, `${file.name} (${file.text.length.toLocaleString()} characters) `, remove);
    }),
  );
}

async function loadFormats() {
  const answer = await api("/api/formats");
  const select = $("format");
  for (const writer of answer.writers) {
    state.writers[writer.name] = writer;
    select.append(el("option", { value: writer.name, title: writer.description, text: `${writer.name} — ${shortDescription(writer.description)}` }));
  }
  select.value = state.writers.bibtex ? "bibtex" : answer.writers[0]?.name ?? "";
  showPickers();
  const locales = await api("/api/locales");
  $("locale-list").replaceChildren(...locales.map((tag) => el("option", { value: tag })));
}

function shortDescription(text) {
  const first = text.split(/[(:;,]/)[0].trim();
  return first.length > 60 ? `${first.slice(0, 59)}…` : first;
}

function showPickers() {
  const writer = state.writers[$("format").value];
  $("style-picker").hidden = !(writer && writer.options.includes("style"));
  $("locale-picker").hidden = !(writer && writer.options.includes("locale"));
}

async function searchStyles() {
  const answer = await api(`/api/styles?q=${encodeURIComponent($("style").value)}`);
  $("style-list").replaceChildren(...answer.styles.map((style) => el("option", { value: style.name, label: style.title })));
  $("style-count").textContent = `${answer.total.toLocaleString()} styles match`;
}

function wire() {
  const readSoon = debounce(read, 350);
  $("paste").addEventListener("input", readSoon);
  $("resolve").addEventListener("change", read);
  $("read").addEventListener("click", read);
  $("files").addEventListener("change", (event) => { addFiles(event.target.files); event.target.value = ""; });
  const drop = $("drop");
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => { event.preventDefault(); drop.classList.remove("over"); addFiles(event.dataTransfer.files); });
  $("papers").addEventListener("change", (event) => {
    const key = event.target.dataset.key;
    if (key) { setIncluded(key, event.target.checked); updateSelectionCount(); refreshSoon(); }
  });
  const includeAll = (included) => {
    for (const row of state.rows) if (row.kind === "paper") setIncluded(row.key, included);
    for (const box of $("papers").querySelectorAll("input[data-key]")) box.checked = included;
    updateSelectionCount();
    refreshOutput();
  };
  $("select-all").addEventListener("click", () => includeAll(true));
  $("select-none").addEventListener("click", () => includeAll(false));
  $("format").addEventListener("change", () => { showPickers(); refreshOutput(); });
  const styleSearch = debounce(searchStyles, 200);
  $("style").addEventListener("input", styleSearch);
  $("style").addEventListener("change", refreshOutput);
  $("locale").addEventListener("change", refreshOutput);
  $("download").addEventListener("click", download);
  $("copy").addEventListener("click", copy);
}

wire();
loadFormats().then(searchStyles).catch((error) => status(error.message, true));
