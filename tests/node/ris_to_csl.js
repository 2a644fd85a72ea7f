#!/usr/bin/env node
// Reads a RIS file with citation-js (@citation-js/plugin-ris), an independent RIS reader, so that
// the tests can check what another client makes of bibx's RIS.
//
// usage: node ris_to_csl.js FILE.ris
// Prints the records as a CSL-JSON array, in file order.
"use strict";

const fs = require("fs");
const { Cite } = require("@citation-js/core");
require("@citation-js/plugin-ris");

function main(argv) {
  if (argv.length !== 1) {
    process.stderr.write("usage: node ris_to_csl.js FILE.ris\n");
    process.exit(2);
  }
  const text = fs.readFileSync(argv[0], "utf8");
  // Without forceType citation-js may guess another format for an empty or odd file.
  const cite = new Cite(text, { forceType: "@ris/file" });
  process.stdout.write(JSON.stringify(cite.data));
}

main(process.argv.slice(2));
