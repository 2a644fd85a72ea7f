#!/usr/bin/env node
// Renders CSL-JSON items with citeproc-js, the reference CSL processor, so that the tests can check
// that bibx's CSL-JSON is usable by the processor Zotero itself uses.
//
// usage: node csl_render.js ITEMS.json STYLE.csl LOCALE.xml
// LOCALE.xml is one of citeproc-py's locale files (locales-en-US.xml); any other locale
// citeproc-js asks for is read from the same folder.
// Prints a JSON array of {"id", "text"}, one per bibliography entry, in bibliography order.
"use strict";

const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

function localeName(localePath) {
  return path.basename(localePath).replace(/^locales-|\.xml$/g, "");
}

function retrieveLocale(localePath) {
  const folder = path.dirname(localePath);
  return (lang) => {
    const file = path.join(folder, `locales-${lang}.xml`);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : false;
  };
}

function renderBibliography(items, styleXml, localePath) {
  const byId = new Map(items.map((item) => [String(item.id), item]));
  const sys = {
    retrieveLocale: retrieveLocale(localePath),
    retrieveItem: (id) => byId.get(String(id)),
  };
  const engine = new CSL.Engine(sys, styleXml, localeName(localePath), true);
  engine.setOutputFormat("text");
  engine.updateItems([...byId.keys()]);
  const [meta, entries] = engine.makeBibliography();
  return meta.entry_ids.map((ids, index) => ({ id: String(ids[0]), text: entries[index].trim() }));
}

function main(argv) {
  if (argv.length !== 3) {
    process.stderr.write("usage: node csl_render.js ITEMS.json STYLE.csl LOCALE.xml\n");
    process.exit(2);
  }
  const [itemsPath, stylePath, localePath] = argv;
  const items = JSON.parse(fs.readFileSync(itemsPath, "utf8"));
  const styleXml = fs.readFileSync(stylePath, "utf8");
  process.stdout.write(JSON.stringify(renderBibliography(items, styleXml, localePath)));
}

main(process.argv.slice(2));
