#!/usr/bin/python3
"""End to end, issue 6: workbooks a finance bureau can import and PDFs an
archive accepts, checked on every sample in input/ with independent readers.

Workbooks (python3-openpyxl): numbers stored as numbers in a format that
shows what the PDF shows, text never as a formula or number, derived totals
as formulas with cached values, labels locked on a protected sheet, data
validation, print set-up, document properties, the 数据 sheet and the
defined names; and, where LibreOffice is installed, every cell's text in
the PDF LibreOffice makes of the workbook.

PDFs (poppler, qpdf): no tool prints a warning or an error; PDF/A-1b as far
as it can be checked without veraPDF (see pdfa_problems()); outline, page
labels, open action, metadata.

usage: test_import.py JXGEN SOURCE_DIR
       test_import.py --pdfa FILE.pdf...   prints what keeps each file from
                                           PDF/A-1b; exit status 1 if anything"""
import base64
import datetime
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jxcheck  # noqa: E402

EPOCH = 1718409600  # 2024-06-15T00:00:00Z, given as SOURCE_DATE_EPOCH
DATA_SHEET = "数据"
DATA_HEAD = ["路径", "名称", "单位", "值", "类型", "工作表", "单元格"]
FONTS = {"宋体", "黑体", "仿宋_GB2312", "楷体_GB2312"}

# ---- PDF/A-1b --------------------------------------------------------------


class Pdf:
    """A PDF read with qpdf's JSON (objects, decoded stream data)."""

    def __init__(self, path):
        r = subprocess.run(["qpdf", "--json=2", "--json-stream-data=inline",
                            "--decode-level=generalized", path], capture_output=True)
        if r.returncode not in (0, 3):
            raise AssertionError("qpdf --json failed: %s" % r.stderr.decode())
        self.objs = json.loads(r.stdout)["qpdf"][1]
        self.trailer = self.objs["trailer"]["value"]
        with open(path, "rb") as f:
            self.raw = f.read()

    def obj(self, ref):
        """The value of a reference (a dict, array, ... or {"dict", "data"} for a stream)."""
        if isinstance(ref, str) and ref.endswith(" R"):
            o = self.objs.get("obj:" + ref)
            if o is None:
                return None
            return o.get("value", o.get("stream"))
        return ref

    def dict(self, ref):
        v = self.obj(ref)
        if isinstance(v, dict) and "dict" in v and ("data" in v or "/Length" in v["dict"]):
            return v["dict"]
        return v

    def data(self, ref):
        v = self.obj(ref)
        return base64.b64decode(v["data"]) if isinstance(v, dict) and "data" in v else None

    def catalog(self):
        return self.dict(self.trailer["/Root"])

    def info(self):
        return self.dict(self.trailer.get("/Info")) or {}

    def all_values(self):
        for key, o in self.objs.items():
            if key.startswith("obj:"):
                yield key, o.get("value", o.get("stream", {}).get("dict"))


def text(v):
    """A PDF string from qpdf's JSON ("u:..." text, "b:..." bytes)."""
    if isinstance(v, str) and v.startswith("u:"):
        return v[2:]
    if isinstance(v, str) and v.startswith("b:"):
        return bytes.fromhex(v[2:]).decode("latin-1")
    return v


def pdf_date(s):
    m = re.match(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(Z|[+-]\d\d'\d\d'?|)", s or "")
    if not m:
        return None
    tz = m.group(7)
    off = datetime.timedelta(0)
    if tz and tz != "Z":
        off = datetime.timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6]))
        off = -off if tz[0] == "-" else off
    return datetime.datetime(*map(int, m.groups()[:6]), tzinfo=datetime.timezone(off))


def xmp_date(s):
    try:
        return datetime.datetime.fromisoformat((s or "").replace("Z", "+00:00"))
    except ValueError:
        return None


def num_glyphs(font):
    """numGlyphs of a TrueType font program (maxp), or None."""
    if not font or len(font) < 12:
        return None
    n = int.from_bytes(font[4:6], "big")
    for i in range(n):
        rec = font[12 + 16 * i:28 + 16 * i]
        if rec[:4] == b"maxp":
            off = int.from_bytes(rec[8:12], "big")
            return int.from_bytes(font[off + 4:off + 6], "big")
    return None


NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}


def xmp_props(xml):
    """{prefix:name: value} of an XMP packet (first item of Alt/Seq)."""
    root = ET.fromstring(xml)
    props = {}
    rev = {v: k for k, v in NS.items()}
    for desc in root.iter("{%s}Description" % NS["rdf"]):
        for k, v in desc.attrib.items():
            if k.startswith("{") and k[1:].split("}")[0] in rev:
                ns, name = k[1:].split("}")
                props["%s:%s" % (rev[ns], name)] = v
        for child in desc:
            ns, name = child.tag[1:].split("}")
            if ns not in rev:
                continue
            li = child.find(".//{%s}li" % NS["rdf"])
            props["%s:%s" % (rev[ns], name)] = (li.text if li is not None else child.text) or ""
    return props


def pdfa_problems(path):
    """What keeps `path` from PDF/A-1b (ISO 19005-1 level B), as far as it
    can be seen without a full validator: header, trailer ID, no
    encryption, XMP metadata (unfiltered, parseable, pdfaid part 1 B, equal
    to the Info dictionary), the GTS_PDFA1 output intent with an ICC v2 RGB
    profile, every font embedded with a CIDSet listing every glyph of its
    program, no transparency, no JavaScript."""
    p = Pdf(path)
    bad = []
    if not re.match(rb"%PDF-1\.[0-4]\r?\n%[\x80-\xff]{4}", p.raw):
        bad.append("header is not %PDF-1.x with a binary comment line")
    ids = p.trailer.get("/ID")
    if not (isinstance(ids, list) and len(ids) == 2 and all(str(i).startswith("b:") for i in ids)):
        bad.append("trailer has no /ID of two strings")
    if "/Encrypt" in p.trailer:
        bad.append("encrypted")
    cat = p.catalog()
    info = p.info()

    # XMP
    meta = cat.get("/Metadata")
    md = p.dict(meta) if meta else None
    if not md:
        bad.append("no /Metadata in the catalog")
    else:
        if "/Filter" in md:
            bad.append("the metadata stream is filtered")
        if md.get("/Type") != "/Metadata" or md.get("/Subtype") != "/XML":
            bad.append("the metadata stream is not /Type /Metadata /Subtype /XML")
        xml = p.data(meta)
        try:
            props = xmp_props(xml)
        except ET.ParseError as e:
            bad.append("XMP does not parse: %s" % e)
            props = {}
        if xml and (b"bytes=" in xml.split(b"?>")[0] or b"encoding=" in xml.split(b"?>")[0]):
            bad.append("xpacket header has bytes= or encoding=")
        if props.get("pdfaid:part") != "1" or props.get("pdfaid:conformance") != "B":
            bad.append("XMP does not say pdfaid part 1, conformance B")
        pairs = [("/Title", "dc:title"), ("/Author", "dc:creator"), ("/Subject", "dc:description"),
                 ("/Keywords", "pdf:Keywords"), ("/Creator", "xmp:CreatorTool"),
                 ("/Producer", "pdf:Producer")]
        for key, prop in pairs:
            if key in info and text(info[key]) != props.get(prop):
                bad.append("Info %s %r but XMP %s %r" % (key, text(info[key]), prop,
                                                         props.get(prop)))
        for key, prop in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
            if key in info:
                a, b = pdf_date(text(info[key])), xmp_date(props.get(prop))
                if a is None or b is None or a != b:
                    bad.append("Info %s %r but XMP %s %r" % (key, text(info[key]), prop,
                                                             props.get(prop)))

    # Output intent
    intents = [p.dict(i) for i in (p.obj(cat.get("/OutputIntents")) or [])]
    pdfa = [i for i in intents if i and i.get("/S") == "/GTS_PDFA1"]
    if len(pdfa) != 1:
        bad.append("%d GTS_PDFA1 output intents" % len(pdfa))
    else:
        ref = pdfa[0].get("/DestOutputProfile")
        prof = p.dict(ref) if ref else None
        icc = p.data(ref) if ref else None
        if not prof or prof.get("/N") != 3 or not icc:
            bad.append("the output intent has no DestOutputProfile stream with /N 3")
        elif (icc[36:40] != b"acsp" or icc[16:20] != b"RGB " or icc[8] > 2
              or icc[12:16] not in (b"mntr", b"prtr")):
            bad.append("the output profile is not an ICC v2 RGB display/output profile")

    # Fonts, transparency, actions
    for key, v in p.all_values():
        if not isinstance(v, dict):
            continue
        if v.get("/Type") == "/Font" and v.get("/Subtype") in ("/CIDFontType2", "/CIDFontType0",
                                                                 "/TrueType", "/Type1"):
            bad += font_problems(p, key, v)
        g = p.dict(v.get("/Group")) if "/Group" in v else None
        if isinstance(g, dict) and g.get("/S") == "/Transparency":
            bad.append("%s: transparency group" % key)
        if v.get("/SMask") not in (None, "/None"):
            bad.append("%s: soft mask" % key)
        for k in ("/CA", "/ca"):
            if isinstance(v.get(k), (int, float)) and v[k] < 1:
                bad.append("%s: %s %s" % (key, k, v[k]))
        if v.get("/BM") not in (None, "/Normal", "/Compatible"):
            bad.append("%s: blend mode %s" % (key, v["/BM"]))
        for k in ("/JavaScript", "/JS", "/AA", "/Launch"):
            if k in v or v.get("/S") == k:
                bad.append("%s: %s" % (key, k))
    return bad


def font_problems(p, key, font):
    name = font.get("/BaseFont", key)
    desc = p.dict(font.get("/FontDescriptor"))
    if not desc:
        return ["%s: no font descriptor" % name]
    prog = desc.get("/FontFile2") or desc.get("/FontFile3") or desc.get("/FontFile")
    if not prog:
        return ["%s: not embedded" % name]
    if not font.get("/Subtype", "").startswith("/CIDFont"):
        return []
    bad = []
    if "/CIDSet" not in desc:
        return ["%s: no CIDSet" % name]
    bits = p.data(desc["/CIDSet"]) or b""
    cids = [i * 8 + b for i, byte in enumerate(bits) for b in range(8) if byte & (0x80 >> b)]
    glyphs = num_glyphs(p.data(prog)) if "/FontFile2" in desc else None
    if glyphs is not None and len(cids) < glyphs:
        bad.append("%s: CIDSet lists %d CIDs, the font program has %d glyphs"
                   % (name, len(cids), glyphs))
    cmap = font.get("/CIDToGIDMap")
    m = p.data(cmap) if cmap and cmap != "/Identity" else None
    for c in cids:
        gid = c if m is None else (int.from_bytes(m[2 * c:2 * c + 2], "big")
                                   if 2 * c + 2 <= len(m) else 0)
        if c and (gid == 0 or (glyphs is not None and gid >= glyphs)):
            bad.append("%s: CIDSet lists CID %d, which has no glyph" % (name, c))
            break
    return bad


# ---- the samples -------------------------------------------------------------

def shown(cell):
    v = cell.value
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return jxcheck.shown_number(v, cell.number_format)
    return "" if v is None else str(v)


REF = re.compile(r"(?:'((?:[^']|'')+)'!)?\$?([A-Z]{1,3})\$?(\d+)")


def evaluate(formula, book, sheet):
    """The value of a formula made only of references, numbers, + - * / ( )
    and SUM(), from the cached values of `book` (openpyxl, data_only);
    None for any other formula."""
    body = formula.lstrip("=")
    if re.search(r'"', body):
        return None
    expr = REF.sub(lambda m: "_v(%r,%r)" % ((m.group(1) or sheet).replace("''", "'"),
                                            m.group(2) + m.group(3)), body)
    if re.sub(r"_v\('(?:[^'\\]|\\.)*','[A-Z]+\d+'\)|SUM|[\d.+\-*/(), ]", "", expr):
        return None

    def _v(s, ref):
        v = book[s][ref].value
        return v if isinstance(v, (int, float)) else 0

    return eval(expr, {"__builtins__": {}}, {"_v": _v, "SUM": lambda *a: sum(a)})


class Samples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="jx-import-")
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH))
        cls.build = jxcheck.run([JXGEN, "build", os.path.join(SRC, "input"), "-o", cls.out],
                                env=env)
        cls.names = sorted(os.path.splitext(os.path.basename(f))[0]
                           for f in glob.glob(os.path.join(SRC, "input", "*.yaml")))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def files(self, ext):
        return [(n, os.path.join(self.out, n + "." + ext)) for n in self.names]

    def book(self, path, data_only=False):
        import openpyxl
        return openpyxl.load_workbook(path, data_only=data_only)

    def data_rows(self, wb):
        ws = wb[DATA_SHEET]
        rows = list(ws.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), DATA_HEAD)
        return [dict(zip(DATA_HEAD, r)) for r in rows[1:]]

    def test_build(self):
        self.assertEqual(self.build.returncode, 0, self.build.stderr)
        self.assertTrue(self.names)

    # ---- PDF ----

    def test_pdf_tools_print_nothing_on_stderr(self):
        for name, pdf in self.files("pdf"):
            for cmd in (["pdftotext", "-enc", "UTF-8", pdf, "-"], ["pdffonts", pdf],
                        ["pdfinfo", pdf], ["pdfinfo", "-meta", pdf],
                        ["pdftoppm", "-r", "30", "-png", pdf, os.path.join(self.out, "pg")],
                        ["qpdf", "--check", pdf]):
                with self.subTest(pdf=name, tool=cmd[0]):
                    r = jxcheck.run(cmd)
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertEqual(r.stderr, "")
            self.assertIn("No syntax or stream encoding errors", jxcheck.run(
                ["qpdf", "--check", pdf]).stdout)

    def test_pdfa_1b(self):
        for name, pdf in self.files("pdf"):
            with self.subTest(pdf=name):
                self.assertEqual(pdfa_problems(pdf), [])

    def test_pdf_metadata(self):
        for name, pdf in self.files("pdf"):
            with self.subTest(pdf=name):
                info = Pdf(pdf).info()
                for key in ("/Title", "/Author", "/Subject", "/Keywords"):
                    self.assertTrue(text(info.get(key)), key)
                self.assertRegex(text(info["/Creator"]), r"^jxgen \d+\.\d+\.\d+$")
                want = datetime.datetime.fromtimestamp(EPOCH, datetime.timezone.utc)
                self.assertEqual(pdf_date(text(info["/CreationDate"])), want)
                self.assertEqual(pdf_date(text(info["/ModDate"])), want)

    def test_pdf_ids_differ_between_documents(self):
        ids = [Pdf(pdf).trailer["/ID"][0] for _, pdf in self.files("pdf")]
        self.assertEqual(len(set(ids)), len(ids))

    def test_pdf_navigation(self):
        for name, pdf in self.files("pdf"):
            with self.subTest(pdf=name):
                p = Pdf(pdf)
                cat = p.catalog()
                pages = p.dict(cat["/Pages"])
                first = pages["/Kids"][0]
                while p.dict(first).get("/Type") == "/Pages":
                    first = p.dict(first)["/Kids"][0]
                action = p.obj(cat["/OpenAction"])
                self.assertEqual(action[:2], [first, "/FitH"])
                labels = p.dict(cat["/PageLabels"])
                self.assertEqual(p.obj(labels["/Nums"])[0], 0)
                self.assertEqual(p.dict(p.obj(labels["/Nums"])[1]).get("/S"), "/D")
                outlines = jxcheck.run(["qpdf", "--json=2", "--json-key=outlines", pdf]).stdout
                items = json.loads(outlines)["outlines"]
                region = jxcheck_region(name)
                with open(os.path.join(SRC, "layouts", region + ".yaml"), encoding="utf-8") as f:
                    marks = len(re.findall(r"^\s*bookmark:", f.read(), re.M))
                if marks:
                    self.assertTrue(items, "the layout sets bookmarks, the PDF has none")
                    self.assertEqual(cat.get("/PageMode"), "/UseOutlines")

    def test_changzhou_pdf_size(self):
        sizes = {n: os.path.getsize(p) for n, p in self.files("pdf")}
        print("PDF sizes:", sizes, file=sys.stderr)
        if "changzhou" in sizes:
            self.assertLess(sizes["changzhou"], 150 * 1024)

    # ---- workbook ----

    def test_numbers_and_text(self):
        for name, xlsx in self.files("xlsx"):
            with self.subTest(xlsx=name):
                wb = self.book(xlsx)
                pdf_text = jxcheck.norm(jxcheck.pdf_text(os.path.join(self.out, name + ".pdf"))[0])
                for row in self.data_rows(wb):
                    cell = wb[row["工作表"]][row["单元格"]]
                    kind = row["类型"]
                    if kind in ("数值", "公式"):
                        if kind == "数值":
                            self.assertIsInstance(cell.value, (int, float), row["路径"])
                        else:
                            self.assertEqual(cell.data_type, "f", row["路径"])
                        self.assertIsInstance(row["值"], (int, float), row["路径"])
                        shown_text = jxcheck.shown_number(row["值"], cell.number_format)
                        self.assertNotIn("E+", shown_text)
                        self.assertIn(jxcheck.norm(shown_text), pdf_text, row["路径"])
                    elif kind == "文本":
                        self.assertEqual(cell.data_type, "s", row["路径"])
                        self.assertEqual(cell.value, row["值"])
                    elif kind == "模板":  # a value inside the template text of the cell
                        self.assertIn(row["值"], cell.value, row["路径"])
                        self.assertTrue(cell.protection.locked, row["路径"])
                    else:
                        self.assertIsNone(cell.value, row["路径"])
                # Nothing but derived totals is a formula; "=100%" stays text.
                formulas = {(r["工作表"], r["单元格"]) for r in self.data_rows(wb)
                            if r["类型"] == "公式"}
                for ws in jxcheck.visible(wb):
                    for c in (c for row in ws.iter_rows() for c in row):
                        if c.data_type == "f":
                            self.assertIn((ws.title, c.coordinate), formulas)
                        elif isinstance(c.value, str) and re.match(r"^[=≥≤<>]", c.value):
                            self.assertEqual(c.data_type, "s")

    def test_formulas_have_cached_values(self):
        for name, xlsx in self.files("xlsx"):
            with self.subTest(xlsx=name):
                wb, wv = self.book(xlsx), self.book(xlsx, data_only=True)
                for row in self.data_rows(wv):
                    if row["类型"] != "公式":
                        continue
                    f = wb[row["工作表"]][row["单元格"]].value
                    cached = wv[row["工作表"]][row["单元格"]].value
                    self.assertIsInstance(cached, (int, float), f)
                    self.assertAlmostEqual(cached, row["值"], places=6)
                    got = evaluate(f, wv, row["工作表"])
                    if got is not None:
                        self.assertAlmostEqual(got, cached, places=6, msg=f)

    def test_data_sheet_and_merges(self):
        for name, xlsx in self.files("xlsx"):
            with self.subTest(xlsx=name):
                wb = self.book(xlsx)
                self.assertEqual(jxcheck.visible(wb)[-1].title, DATA_SHEET)
                rows = self.data_rows(wb)
                self.assertTrue(rows)
                paths = [r["路径"] for r in rows]
                self.assertEqual(len(paths), len(set(paths)))
                for r in rows:
                    ws = wb[r["工作表"]]
                    cell = ws[r["单元格"]]
                    self.assertNotEqual(type(cell).__name__, "MergedCell", r)
                    for m in ws.merged_cells.ranges:
                        if cell.coordinate in m:
                            self.assertEqual(m.start_cell.coordinate, cell.coordinate)
                    if r["类型"] in ("数值", "文本"):
                        self.assertEqual(cell.value, r["值"])
                    elif r["类型"] == "模板":  # a value inside the cell's template text
                        self.assertIn(r["值"], cell.value)

    def test_defined_names(self):
        for name, xlsx in self.files("xlsx"):
            with self.subTest(xlsx=name):
                wb = self.book(xlsx)
                by_cell = {(r["工作表"], r["单元格"]): r for r in self.data_rows(wb)}
                for dn in wb.defined_names.definedName:
                    if dn.name.startswith("_xlnm"):
                        continue
                    (sheet, ref), = list(dn.destinations)
                    row = by_cell.get((sheet, ref.replace("$", "")))
                    self.assertIsNotNone(row, dn.name)
                    # the label without punctuation (中期其中：财政拨款 -> 中期其中财政拨款)
                    self.assertEqual(re.sub(r"^\d+", "", re.sub(r"[^\w.]", "", row["名称"])),
                                     dn.name)
                    self.assertIn(row["类型"], ("数值", "公式", "空白"))
                if name == "changzhou":
                    names = {dn.name: dn for dn in wb.defined_names.definedName}
                    (sheet, ref), = list(names["资金总额"].destinations)
                    self.assertEqual(wb[sheet][ref.replace("$", "")].value, 500)

    def test_protection_and_validation(self):
        for name, xlsx in self.files("xlsx"):
            with self.subTest(xlsx=name):
                wb = self.book(xlsx)
                rows = self.data_rows(wb)
                # 模板 rows point at template text (locked), not at value cells
                values = {(r["工作表"], r["单元格"]): r for r in rows if r["类型"] != "模板"}
                shown_again = {r["值"] for r in rows}
                for ws in jxcheck.visible(wb):
                    self.assertTrue(ws.protection.sheet, ws.title)
                    self.assertFalse(ws.protection.password, ws.title)
                    if ws.title == DATA_SHEET:
                        continue
                    checked = set()
                    for dv in ws.data_validations.dataValidation:
                        self.assertEqual(dv.type, "decimal")
                        for rng in str(dv.sqref).split():
                            checked.add(rng.split(":")[0])
                    for c in (c for row in ws.iter_rows() for c in row):
                        if type(c).__name__ == "MergedCell" or not c.has_style:
                            continue
                        r = values.get((ws.title, c.coordinate))
                        if r is None and not c.protection.locked:
                            # a field shown again (数据 lists its first cell)
                            self.assertIn(c.value, shown_again, c.coordinate)
                        elif r is None:
                            pass  # template text, locked
                        else:
                            self.assertEqual(bool(c.protection.locked), r["类型"] == "公式",
                                             c.coordinate)
                            if r["类型"] == "数值":
                                self.assertIn(c.coordinate, checked)

    def test_print_setup_and_fonts(self):
        for name, xlsx in self.files("xlsx"):
            with self.subTest(xlsx=name):
                wb = self.book(xlsx)
                for ws in jxcheck.visible(wb):
                    ps = ws.page_setup
                    self.assertEqual(int(ps.paperSize), 9, ws.title)
                    self.assertTrue(ws.sheet_properties.pageSetUpPr.fitToPage)
                    self.assertIn(ps.fitToWidth, (None, 1))
                    self.assertEqual(ps.fitToHeight, 0)
                    self.assertIn(ps.orientation, ("portrait", "landscape"))
                    self.assertTrue(ws.print_area, ws.title)
                    self.assertIn("&P", ws.oddFooter.center.text or "", ws.title)
                    if ws.title == DATA_SHEET:
                        continue
                    for c in (c for row in ws.iter_rows() for c in row):
                        if c.value is not None:
                            self.assertIn(c.font.name, FONTS, c.coordinate)
                            self.assertGreaterEqual(c.font.sz, 5)

    def test_properties(self):
        for name, xlsx in self.files("xlsx"):
            with self.subTest(xlsx=name):
                wb = self.book(xlsx)
                info = Pdf(os.path.join(self.out, name + ".pdf")).info()
                p = wb.properties
                self.assertEqual(p.title, text(info["/Title"]))
                self.assertEqual(p.creator, text(info["/Author"]))
                self.assertEqual(p.subject, text(info["/Subject"]))
                self.assertEqual(p.created.replace(tzinfo=datetime.timezone.utc),
                                 datetime.datetime.fromtimestamp(EPOCH, datetime.timezone.utc))
                import zipfile
                app = zipfile.ZipFile(xlsx).read("docProps/app.xml").decode("utf-8")
                self.assertIn("<Company>%s</Company>" % text(info["/Author"]), app)

    def test_libreoffice_keeps_every_cell(self):
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not soffice:
            self.skipTest("LibreOffice (libreoffice-calc) is not installed")
        profile = tempfile.mkdtemp(prefix="jx-lo-")
        outdir = os.path.join(self.out, "lo")
        try:
            for name, xlsx in self.files("xlsx"):
                with self.subTest(xlsx=name):
                    r = subprocess.run([soffice, "--headless", "-env:UserInstallation=file://"
                                        + profile, "--convert-to", "pdf", "--outdir", outdir,
                                        xlsx], capture_output=True, text=True, timeout=300)
                    pdf = os.path.join(outdir, name + ".pdf")
                    self.assertTrue(os.path.exists(pdf), r.stderr)
                    got = jxcheck.norm(jxcheck.pdf_text(pdf)[0])
                    wb = self.book(xlsx, data_only=True)
                    missing = [(ws.title, c.coordinate, shown(c)[:40])
                               for ws in jxcheck.visible(wb) for row in ws.iter_rows() for c in row
                               if c.value is not None and jxcheck.norm(shown(c)) not in got]
                    self.assertEqual(missing, [])
        finally:
            shutil.rmtree(profile, ignore_errors=True)


def jxcheck_region(name):
    with open(os.path.join(SRC, "input", name + ".yaml"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("region:"):
                return line.split(":", 1)[1].strip().strip('"')
    return name


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--pdfa":
        status = 0
        for path in sys.argv[2:]:
            for problem in pdfa_problems(path):
                print("%s: %s" % (path, problem))
                status = 1
        sys.exit(status)
    JXGEN = os.path.abspath(sys.argv[1])
    SRC = os.path.abspath(sys.argv[2])
    unittest.main(argv=[sys.argv[0], "-v"])
