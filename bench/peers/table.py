#!/usr/bin/python3
"""The same table for the peers: reads the first sheet of a jxgen workbook
(openpyxl) and writes it as a Typst document or a pdfmake document
definition, cell for cell (merged cells become colspan/rowspan, the column
widths keep the workbook's proportions, the print-title rows repeat).

    table.py typst WORKBOOK OUT.typ
    table.py pdfmake WORKBOOK OUT.json

Used by bench/run so that each peer renders the same cells jxgen renders;
the peers' own time is what bench/run measures, not this conversion."""
import json
import sys

import openpyxl
from openpyxl.utils import range_boundaries

# The faces jxgen uses for 宋体 and 黑体 on Debian (fonts.yaml).  Typst does
# not load uming.ttc, so its 宋体 cells are set in WenQuanYi Zen Hei too.
SONG = "AR PL UMing CN"          # fonts-arphic-uming
HEI = "WenQuanYi Zen Hei"        # fonts-wqy-zenhei
A4_W_MM = 210.0
MARGIN_MM = 15.0


def read(path):
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    spans, covered = {}, set()
    for rng in ws.merged_cells.ranges:
        c0, r0, c1, r1 = range_boundaries(str(rng))
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered.add((r, c))
    ncol, nrow = ws.max_column, ws.max_row
    widths = []
    for c in range(1, ncol + 1):
        d = ws.column_dimensions.get(openpyxl.utils.get_column_letter(c))
        widths.append(d.width if d is not None and d.width else 8.43)
    rows = []
    for r in range(1, nrow + 1):
        row = []
        for c in range(1, ncol + 1):
            if (r, c) in covered:
                continue
            cell = ws.cell(r, c)
            v = cell.value
            rs, cs = spans.get((r, c), (1, 1))
            row.append({"text": "" if v is None else str(v), "rowspan": rs, "colspan": cs,
                        "hei": cell.font.name == "黑体", "size": float(cell.font.sz or 10.5)})
        rows.append(row)
    return widths, rows


def typst_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def typst(widths, rows):
    total = sum(widths)
    out = ['#set page(paper: "a4", margin: %gmm)' % MARGIN_MM,
           '#set text(font: "%s", size: 10.5pt, lang: "zh")' % HEI,
           '#set par(justify: true)',
           '#table(',
           '  columns: (%s),' % ", ".join("%.3ffr" % (w / total) for w in widths),
           '  align: center + horizon, inset: 3pt,']
    for row in rows:
        cells = []
        for cell in row:
            args = []
            if cell["rowspan"] > 1:
                args.append("rowspan: %d" % cell["rowspan"])
            if cell["colspan"] > 1:
                args.append("colspan: %d" % cell["colspan"])
            body = "[#%s]" % typst_str(cell["text"])
            if cell["size"] != 10.5:
                body = "[#text(size: %gpt)%s]" % (cell["size"], body)
            cells.append("table.cell(%s)%s" % (", ".join(args), body) if args else body)
        out.append("  " + ", ".join(cells) + ",")
    out.append(")")
    return "\n".join(out) + "\n"


def pdfmake(widths, rows):
    total = sum(widths)
    usable = (A4_W_MM - 2 * MARGIN_MM) / 25.4 * 72
    # pdfmake wants a full grid: a row whose cells are covered by a rowspan
    # from above still lists them as empty objects.
    ncol = len(widths)
    grid = [[None] * ncol for _ in rows]
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while c < ncol and grid[r][c] is not None:
                c += 1
            for dr in range(cell["rowspan"]):
                for dc in range(cell["colspan"]):
                    if r + dr < len(grid) and c + dc < ncol:
                        grid[r + dr][c + dc] = {}
            d = {"text": cell["text"], "font": "hei" if cell["hei"] else "song",
                 "fontSize": cell["size"]}
            if cell["rowspan"] > 1:
                d["rowSpan"] = cell["rowspan"]
            if cell["colspan"] > 1:
                d["colSpan"] = cell["colspan"]
            grid[r][c] = d
            c += cell["colspan"]
    grid = [[x if x is not None else {} for x in row] for row in grid]
    return {"pageSize": "A4", "pageMargins": [MARGIN_MM / 25.4 * 72] * 4,
            "defaultStyle": {"font": "song", "fontSize": 10.5},
            "content": [{"table": {"headerRows": 0,
                                   "widths": [usable * w / total for w in widths],
                                   "body": grid}}]}


def main():
    kind, src, dst = sys.argv[1:4]
    widths, rows = read(src)
    with open(dst, "w", encoding="utf-8") as f:
        if kind == "typst":
            f.write(typst(widths, rows))
        else:
            json.dump(pdfmake(widths, rows), f, ensure_ascii=False)


if __name__ == "__main__":
    main()
