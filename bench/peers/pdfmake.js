#!/usr/bin/env node
// pdfmake peer for bench/run: renders one document definition (JSON, from
// bench/peers/table.py) to PDF in one process, with jxgen's two faces.
//   node pdfmake.js IN.json OUT.pdf
// pdfmake is the npm package, found through NODE_PATH (bench/run sets it; it
// is never in the repository).
const fs = require("fs");
const PdfPrinter = require("pdfmake");
const [input, output] = process.argv.slice(2);
const family = (face) => ({ normal: face, bold: face, italics: face, bolditalics: face });
const printer = new PdfPrinter({
  song: family(["/usr/share/fonts/truetype/arphic/uming.ttc", "UMingCN"]),
  hei: family(["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "WenQuanYiZenHei"]),
});
const doc = printer.createPdfKitDocument(JSON.parse(fs.readFileSync(input, "utf8")));
doc.pipe(fs.createWriteStream(output));
doc.end();
