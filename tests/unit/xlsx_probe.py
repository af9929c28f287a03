#!/usr/bin/env python3
"""xlsx_probe.py - prints what tests/unit/test_xlsx.c checks in a workbook.

Usage: xlsx_probe.py FILE.xlsx

Reads the workbook with openpyxl (once with formulas, once with cached
values) and the raw XML parts with zipfile, and prints one `key=value` line
per fact, sheet facts prefixed with `sN.` (N = 0-based sheet index):

    sheets=N                      sN.name=...
    sN.merged=A1:K1,A2:B2,...     (sorted)
    sN.cell.A1=s|text             (s: string, n: number, f: formula, b: bool)
    sN.fmt.A1=number format       sN.cached.A1=cached value of a formula
    sN.row.5=height in points     sN.colpx.A=column width in pixels
    sN.paper / fitw / fith / fit / orient / titles / footer / hcenter
    sN.margins=left,right,top,bottom (inches)
    sN.breaks=row,row,...         (1-based row a break follows)
    sN.border.A1=l,r,t,b          (border styles from styles.xml)
    sN.font.A1=name|size|bold
    sN.locked.A1=1|0              (cell protection of every written cell)
    sN.protected=1|0              sN.password=hash or ""
    sN.allow=formatRows,formatColumns,autoFilter,...   (what protection allows)
    sN.area=print area            sN.dv.RANGE=type|operator|f1|f2|errorTitle|error
    xfs=N                         (cellXfs count in styles.xml)
    prop.title / prop.creator / prop.subject / prop.keywords / prop.created
    prop.company                  (docProps/app.xml)
    name.NAME=reference           (workbook names; sheet names as name.Sheet!NAME)

Text values have '\\' and newlines escaped as \\\\ and \\n so each fact is
one line.  Exits 2 when openpyxl is missing."""
import sys
import zipfile
import xml.etree.ElementTree as ET

try:
    import openpyxl
    from openpyxl.utils import get_column_letter
except ImportError:
    print("openpyxl missing", file=sys.stderr)
    sys.exit(2)

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def esc(v):
    return str(v).replace("\\", "\\\\").replace("\n", "\\n")


def out(key, value):
    print(f"{key}={esc(value)}")


def styles(z):
    """cellXfs as a list of (border tuple, font tuple)."""
    root = ET.fromstring(z.read("xl/styles.xml"))
    borders = []
    for b in root.find("m:borders", NS):
        sides = []
        for side in ("left", "right", "top", "bottom"):
            e = b.find(f"m:{side}", NS)
            sides.append(e.get("style", "none") if e is not None else "none")
        borders.append(",".join(sides))
    fonts = []
    for f in root.find("m:fonts", NS):
        name = f.find("m:name", NS)
        sz = f.find("m:sz", NS)
        fonts.append("%s|%s|%d" % (name.get("val") if name is not None else "",
                                    sz.get("val") if sz is not None else "",
                                    1 if f.find("m:b", NS) is not None else 0))
    xfs = []
    for xf in root.find("m:cellXfs", NS):
        xfs.append((borders[int(xf.get("borderId", "0"))], fonts[int(xf.get("fontId", "0"))]))
    return xfs


def main():
    path = sys.argv[1]
    wb = openpyxl.load_workbook(path)
    wbv = openpyxl.load_workbook(path, data_only=True)
    z = zipfile.ZipFile(path)
    xfs = styles(z)
    out("xfs", len(xfs))
    out("sheets", len(wb.worksheets))
    p = wb.properties
    out("prop.title", p.title)
    out("prop.creator", p.creator)
    out("prop.subject", p.subject)
    out("prop.keywords", p.keywords)
    out("prop.created", p.created.strftime("%Y-%m-%dT%H:%M:%SZ") if p.created else "")
    app = ET.fromstring(z.read("docProps/app.xml"))
    company = app.find("{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Company")
    out("prop.company", company.text if company is not None and company.text else "")
    for dn in wb.defined_names.definedName:
        if dn.name.startswith("_xlnm"):
            continue
        scope = "" if dn.localSheetId is None else wb.sheetnames[int(dn.localSheetId)] + "!"
        out("name." + scope + dn.name, dn.attr_text)
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    book = ET.fromstring(z.read("xl/workbook.xml"))
    sheet_files = []
    for s in book.find("m:sheets", NS):
        rid = s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        sheet_files.append("xl/" + targets[rid])
    for i, ws in enumerate(wb.worksheets):
        k = f"s{i}"
        wv = wbv.worksheets[i]
        out(k + ".name", ws.title)
        out(k + ".merged", ",".join(sorted(str(r) for r in ws.merged_cells.ranges)))
        for row in ws.iter_rows():
            for c in row:
                if c.value is None or type(c).__name__ == "MergedCell":
                    continue
                v = c.value
                if c.data_type == "f":
                    out(f"{k}.cell.{c.coordinate}", "f|" + str(v))
                    out(f"{k}.cached.{c.coordinate}", wv[c.coordinate].value)
                else:
                    out(f"{k}.cell.{c.coordinate}", c.data_type + "|" + str(v))
                out(f"{k}.fmt.{c.coordinate}", c.number_format)
        for r, dim in sorted(ws.row_dimensions.items()):
            if dim.height is not None:
                out(f"{k}.row.{r}", "%g" % dim.height)
        for letter, dim in sorted(ws.column_dimensions.items()):
            # openpyxl groups equal neighbours: expand min..max.
            for col in range(dim.min, dim.max + 1):
                # Excel: pixels = trunc(((256 * w + trunc(128 / 7)) / 256) * 7)
                px = int(((256 * dim.width + int(128 / 7)) / 256) * 7)
                out(f"{k}.colpx.{get_column_letter(col)}", px)
        ps = ws.page_setup
        out(k + ".paper", ps.paperSize)
        # Absent fitToWidth/fitToHeight mean 1 (the OOXML default).
        out(k + ".fitw", 1 if ps.fitToWidth is None else ps.fitToWidth)
        out(k + ".fith", 1 if ps.fitToHeight is None else ps.fitToHeight)
        out(k + ".fit", 1 if ws.sheet_properties.pageSetUpPr and
            ws.sheet_properties.pageSetUpPr.fitToPage else 0)
        out(k + ".orient", ps.orientation)
        out(k + ".titles", ws.print_title_rows or "")
        out(k + ".footer", ws.oddFooter.center.text or "")
        out(k + ".hcenter", 1 if ws.print_options.horizontalCentered else 0)
        m = ws.page_margins
        out(k + ".margins", "%.4f,%.4f,%.4f,%.4f" % (m.left, m.right, m.top, m.bottom))
        out(k + ".breaks", ",".join(str(b.id) for b in ws.row_breaks.brk))
        area = ws.print_area or ""
        out(k + ".area", ",".join(area) if isinstance(area, (list, tuple)) else area)
        prot = ws.protection
        out(k + ".protected", 1 if prot.sheet else 0)
        out(k + ".password", prot.password or "")
        # In OOXML these attributes say what is *protected*; False = allowed.
        allowed = [a for a in ("formatCells", "formatColumns", "formatRows", "insertColumns",
                               "insertRows", "deleteColumns", "deleteRows", "sort", "autoFilter")
                   if getattr(prot, a) is False]
        out(k + ".allow", ",".join(allowed))
        for dv in ws.data_validations.dataValidation:
            out(f"{k}.dv.{dv.sqref}", "|".join(str(v) if v is not None else "" for v in (
                dv.type, dv.operator, dv.formula1, dv.formula2, dv.errorTitle, dv.error)))
        for row in ws.iter_rows():
            for c in row:
                if type(c).__name__ == "MergedCell" or not c.has_style:
                    continue
                out(f"{k}.locked.{c.coordinate}", 1 if c.protection.locked else 0)
        # Raw XML: the style of every cell, merged ones included.
        root = ET.fromstring(z.read(sheet_files[i]))
        for c in root.iter("{%s}c" % NS["m"]):
            border, font = xfs[int(c.get("s", "0"))]
            out(f"{k}.border.{c.get('r')}", border)
            out(f"{k}.font.{c.get('r')}", font)


if __name__ == "__main__":
    main()
