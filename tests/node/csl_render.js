#!/usr/bin/env node
// Renders a bibliography with citeproc-js, the reference CSL processor (the one Zotero uses), for
// comparison with bibx: the CSL-JSON interop tests and the formatted-references tests share it.
//
// usage: node csl_render.js ITEMS.json STYLE.csl LOCALE.xml [text|html|rtf]
//
// ITEMS.json is a CSL-JSON array; items are registered in file order, so numeric styles number
// them as bibx does. LOCALE.xml is a file from citeproc-py's data dir (locales-de-DE.xml); other
// locales citeproc-js asks for (its en-US fallback) are read from the same folder.
// Prints JSON: {"ids": [...], "entries": [...], "seconds": engine + bibliography time}.
"use strict";

const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

function localeReader(localePath) {
  const folder = path.dirname(localePath);
  const requested = path.basename(localePath).replace(/^locales-|\.xml$/g, "");
  return (lang) => {
    const file = lang === requested ? localePath : path.join(folder, `locales-${lang}.xml`);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : false;
  };
}

function render(items, styleXml, localePath, outputFormat) {
  const byId = new Map(items.map((item) => [String(item.id), item]));
  const lang = path.basename(localePath).replace(/^locales-|\.xml$/g, "");
  const sys = {
    retrieveLocale: localeReader(localePath),
    retrieveItem: (id) => byId.get(String(id)),
  };
  const engine = new CSL.Engine(sys, styleXml, lang, true);
  engine.setOutputFormat(outputFormat);
  engine.updateItems([...byId.keys()]);
  const [meta, entries] = engine.makeBibliography();
  return { ids: meta.entry_ids.map((ids) => String(ids[0])), entries };
}

function main(argv) {
  if (argv.length < 3) {
    process.stderr.write("usage: node csl_render.js ITEMS.json STYLE.csl LOCALE.xml [text|html]\n");
    process.exit(2);
  }
  const [itemsPath, stylePath, localePath, outputFormat = "text"] = argv;
  const items = JSON.parse(fs.readFileSync(itemsPath, "utf8"));
  const styleXml = fs.readFileSync(stylePath, "utf8");
  const started = process.hrtime.bigint();
  const result = render(items, styleXml, localePath, outputFormat);
  result.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify(result));
}

main(process.argv.slice(2));
