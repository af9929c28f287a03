#!/usr/bin/env node
// Typst peer for bench/run: compiles one .typ file to PDF in one process.
//   node typst.js IN.typ OUT.pdf FONTDIR...
// The compiler is the npm package @myriaddreamin/typst-ts-node-compiler,
// found through NODE_PATH (bench/run sets it; it is never in the repository).
const fs = require("fs");
const path = require("path");
const { NodeCompiler } = require("@myriaddreamin/typst-ts-node-compiler");
const [input, output, ...fontPaths] = process.argv.slice(2);
const compiler = NodeCompiler.create({
  workspace: path.dirname(path.resolve(input)),
  fontArgs: [{ fontPaths }],
});
const pdf = compiler.pdf({ mainFilePath: path.resolve(input) });
fs.writeFileSync(output, pdf);
