#!/usr/bin/python3
"""Unseen filings render as faithfully as the samples (#11).

A corpus of random valid filings (tests/corpus/gen_filings.py, fixed seed,
--small: a few pages each) is rendered and read back the way a reader
sees it (tests/corpus/check_filing.py): every character of every value in
the PDF in order and in the workbook, every amount a number showing the
PDF's text, no word across a cell border, no missing glyph, no header row
ending a page, every page showing rows of a headed table part showing its
header rows above them, no number, unit word or Latin word split across
lines of a cell, no letter-spaced run (loose), no text set below 60% of the
layout's smallest style (small), no cell ending with a lonely
character on its last line ("2749.5/个。"); see tests/corpus/README.md for
longer runs.  Also: a character outside the BMP
(𠮷) renders (its alias CID maps to its own glyph in the embedded font) and
reads back, also from the document information and a bookmark, and `check`
fails like `build` on a character no configured font has.

usage: test_corpus.py JXGEN SOURCE_DIR"""
import base64
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

JXGEN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
CORPUS = os.path.join(SRC, "tests", "corpus")


def sanitized(binary):
    """Whether binary is an AddressSanitizer build (it links libasan)."""
    r = subprocess.run(["ldd", binary], capture_output=True, text=True)
    return "libasan" in r.stdout


# 40 filings per region (280 in all, seven regions; about 3 CPU-minutes:
# tests/corpus/README.md); a sanitizer build, several times slower, runs
# the same checks on 6 per region.
PER_REGION = int(os.environ.get("JX_CORPUS_COUNT", "6" if sanitized(JXGEN) else "40"))


def filing(body):
    d = tempfile.mkdtemp(prefix="jx-corpus-")
    path = os.path.join(d, "f.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(body)
    return d, path


RARE = """region: changzhou
year: 2024年度
project:
  name: 𠮷野家𡈽公司（2025）
  department: 㙟部门
fund:
  general_budget: 1
"""


class Corpus(unittest.TestCase):
    def test_generated_filings_read_back_whole(self):
        r = subprocess.run([sys.executable, os.path.join(CORPUS, "run_corpus.py"), JXGEN, SRC,
                            "--seed", "11", "--count", str(PER_REGION), "--small",
                            "-j", str(os.cpu_count() or 2)],
                           # every kind is enforced, small (text below 60%
                           # of the layout's smallest style) too
                           capture_output=True, text=True)
        summary = r.stdout.strip().splitlines()[-1:] or [""]
        print(summary[0], file=sys.stderr)
        self.assertEqual(r.returncode, 0, r.stdout[-6000:] + r.stderr[-2000:])

    def test_the_checker_finds_what_it_looks_for(self):
        # A test that cannot fail is a defect: the checks see a lost value,
        # a workbook amount that shows another text, and a split number.
        sys.path.insert(0, CORPUS)
        import check_filing
        self.assertFalse(check_filing.find_in_pages(["ab焚烧处置费", "（2025）"], "焚烧处置费（2025）x"))
        self.assertTrue(check_filing.find_in_pages(["ab焚烧处", "置费（2025）"], "焚烧处置费（2025）"))
        self.assertFalse(check_filing.find_in_pages(["置费（2025）", "ab焚烧处"], "焚烧处置费（2025）"))
        from decimal import Decimal
        self.assertEqual(check_filing.excel_text(Decimal("0.125"), "0%"), "13%")
        self.assertEqual(check_filing.excel_text(Decimal("87734.3"), "General"), "87734.3")
        self.assertEqual(check_filing.excel_text(Decimal("87734.3"), "0.00"), "87734.30")
        self.assertEqual(check_filing.excel_text(Decimal("0"), '0.00;-0.00;"-"'), "-")
        self.assertEqual(check_filing.excel_text(Decimal("0"), '[=0]"-";0.00'), "-")
        self.assertEqual(check_filing.excel_text(Decimal("5"), '[=0]"-";0.00'), "5.00")
        # A 年度目标 of 7,000 characters in a 400 pt wide cell needs far more
        # than one 409 pt row; rows over 409 pt are faults too.
        goal = "目标" * 3500
        row = ("goals.annual", "年度目标", None, goal, "文本", "表", "C5")
        self.assertTrue(check_filing.geometry_faults(
            {"goals.annual": row}, {"表": ({5: 409.0}, {3: 400.0}, {})}))
        self.assertFalse(check_filing.geometry_faults(
            {"goals.annual": row}, {"表": ({5: 409.0, 6: 409.0, 7: 409.0, 8: 409.0},
                                          {3: 400.0}, {"C5": (3, 5, 3, 8)})}))
        self.assertTrue(check_filing.geometry_faults({}, {"表": ({5: 409.5}, {}, {})}))
        self.assertEqual(check_filing.excel_text(Decimal("2033"), '0"万元"'), "2033万元")
        self.assertEqual(check_filing.excel_text(Decimal("3343.64"), "#,##0.00"), "3,343.64")
        self.assertFalse(check_filing.shown_in("合计 87734.30 元", "87734.3"))
        # A number broken across two lines of one cell is a split; a block
        # that holds the text of two cells (a rule between two of its lines,
        # or between two words of a line: poppler read neighbouring cells as
        # one text) is a join, whose line ends are no split.
        import xml.etree.ElementTree as ET
        page = ('<doc><page><block><line><word xMin="10" yMin="10" xMax="30" yMax="20">ab12</word>'
                '</line><line><word xMin="%s" yMin="22" xMax="%s" yMax="32">34cd</word></line>'
                '</block></page></doc>')
        grid = [{"rules": [(50.0, 0.0, 50.0, 100.0)]}]
        self.assertEqual(check_filing.split_faults(ET.fromstring(page % (10, 30))),
                         ["page 1: ab12/34cd"])
        self.assertEqual(check_filing.split_faults(ET.fromstring(page % (60, 80))),
                         ["page 1: ab12/34cd"])
        self.assertEqual(check_filing.split_faults(ET.fromstring(page % (60, 80)), grid), [])
        self.assertEqual(check_filing.split_faults(ET.fromstring(page % (10, 30)), grid),
                         ["page 1: ab12/34cd"])
        self.assertEqual(check_filing.join_faults(ET.fromstring(page % (10, 30)), grid), [])
        self.assertEqual(check_filing.join_faults(ET.fromstring(page % (60, 80)), grid),
                         ['page 1: "ab12" and "34cd" read as one text block'])
        line = ('<doc><page><block><line><word xMin="10" yMin="10" xMax="45" yMax="20">一二三</word>'
                '<word xMin="%s" yMin="10" xMax="%s" yMax="20">四五</word></line>'
                '</block></page></doc>')
        self.assertEqual(check_filing.join_faults(ET.fromstring(line % (55, 70)), grid),
                         ['page 1: "一二三" and "四五" read as one text block'])
        self.assertEqual(check_filing.join_faults(ET.fromstring(line % (46, 49)), grid), [])
        rows = [{"rules": [(0.0, 21.0, 100.0, 21.0)]}]
        self.assertEqual(check_filing.join_faults(ET.fromstring(page % (10, 30)), rows),
                         ['page 1: "ab12" and "34cd" read as one text block'])
        # Text below 60% of the layout's smallest style is a fault (Tangshan's
        # 17071.83万元 at 5.67 pt of 10.5); at 6.3 pt it is not.
        layout = {"styles": {"label": {"size": 10.5}, "title": {"size": 16}}}
        trace = [{"texts": [(10.0, 20.0, "17071.83", 5.67), (40.0, 20.0, "万元", 5.67)],
                  "rules": [], "h": 841.89}]
        self.assertEqual(check_filing.small_faults(trace, layout),
                         ['page 1: "17071.83" set at 5.67 pt, below 6.30 pt (60% of 10.5 pt)'])
        trace[0]["texts"] = [(10.0, 20.0, "17071.83", 6.3)]
        self.assertEqual(check_filing.small_faults(trace, layout), [])
        # A short group label divided between two pages is a fault; repeated
        # whole on both, it is not.
        self.assertEqual(check_filing.label_faults(["a服务对象", "满意度b"], ["服务对象满意度"]),
                         ["label 服务对象满意度 divided between pages"])
        self.assertEqual(check_filing.label_faults(["a服务对象满意度", "服务对象满意度b"],
                                                   ["服务对象满意度"]), [])
        # A continued table part without its header rows (Changzhou's 支出
        # block on page 2 starting without 半年/全年) is a fault; with them,
        # or on a page that shows none of its rows, it is not.
        parts = [(["半年（程）计划执行数", "全年（程）预算数"], ["运行费用项目1", "运行费用项目2"])]
        head = "半年（程）计划执行数全年（程）预算数"
        self.assertEqual(check_filing.part_faults([head + "运行费用项目1", "运行费用项目2中长期目标"],
                                                  parts),
                         ["page 2: rows headed by 半年（程）计划执行数/全年（程）预算数 without their header"])
        self.assertEqual(check_filing.part_faults([head + "运行费用项目1", head + "运行费用项目2"],
                                                  parts), [])
        self.assertEqual(check_filing.part_faults(["运行费用项目1" + head], parts),
                         ["page 1: rows headed by 半年（程）计划执行数/全年（程）预算数 without their header"])
        # A rule may pass the blank half of a mark compressed at a line's end
        # or start, never a character's ink.
        self.assertTrue(check_filing.compressed_edge("费聚焦长期：", 118.5, 178.5, 218.9, 229.3,
                                                     176.7, 320.9))
        self.assertFalse(check_filing.compressed_edge("费聚焦长期中", 118.5, 178.5, 218.9, 229.3,
                                                      176.7, 320.9))
        self.assertFalse(check_filing.compressed_edge("（2027）职能", 190.0, 300.0, 218.9, 229.3,
                                                      240.0, 240.0))
        self.assertTrue(check_filing.compressed_edge("（2027）职能", 190.0, 300.0, 218.9, 229.3,
                                                     193.0, 193.0))


def pdf_objects(pdf):
    """The PDF's objects as qpdf's JSON (v2) has them, streams decoded."""
    r = subprocess.run(["qpdf", "--json=2", "--json-stream-data=inline", "--decode-level=generalized",
                        pdf, "-"], capture_output=True, text=True)
    return json.loads(r.stdout)["qpdf"][1]


def stream_data(objs, ref):
    return base64.b64decode(objs["obj:" + ref]["stream"]["data"])


def sfnt_glyph(font, cp):
    """The glyph of code point cp in TrueType font bytes (its cmap's format 12
    subtable), or None."""
    ntables = struct.unpack(">H", font[4:6])[0]
    for i in range(ntables):
        tag, _, off, _ = struct.unpack(">4sIII", font[12 + 16 * i:28 + 16 * i])
        if tag != b"cmap":
            continue
        for k in range(struct.unpack(">H", font[off + 2:off + 4])[0]):
            _, _, sub = struct.unpack(">HHI", font[off + 4 + 8 * k:off + 12 + 8 * k])
            t = off + sub
            if struct.unpack(">H", font[t:t + 2])[0] != 12:
                continue
            for g in range(struct.unpack(">I", font[t + 12:t + 16])[0]):
                lo, hi, gid = struct.unpack(">III", font[t + 16 + 12 * g:t + 28 + 12 * g])
                if lo <= cp <= hi:
                    return gid + cp - lo
    return None


def drawn_alias(pdf, cp):
    """How character cp (outside the BMP) is drawn in pdf: (alias code, glyph
    the CIDToGIDMap gives it, glyph of cp in the embedded font program, width
    of the alias, whether a page's text draws the alias).  None when no
    ToUnicode CMap maps a code to cp."""
    objs = pdf_objects(pdf)
    v = cp - 0x10000
    pair = b"%04X%04X" % (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
    contents = b"".join(stream_data(objs, o["value"]["/Contents"]) for o in objs.values()
                        if isinstance(o.get("value"), dict) and o["value"].get("/Type") == "/Page")
    codes = set()
    for run in re.findall(rb"<([0-9A-F]+)> Tj", contents):
        codes.update(int(run[i:i + 4], 16) for i in range(0, len(run), 4))
    for o in objs.values():
        font = o.get("value")
        if not isinstance(font, dict) or font.get("/Subtype") != "/Type0":
            continue
        m = re.search(rb"<([0-9A-F]{4})> <" + pair + b">", stream_data(objs, font["/ToUnicode"]))
        if not m:
            continue
        alias = int(m.group(1), 16)
        cid = objs["obj:" + font["/DescendantFonts"][0]]["value"]
        cmap = stream_data(objs, cid["/CIDToGIDMap"])
        mapped = struct.unpack(">H", cmap[2 * alias:2 * alias + 2])[0] if 2 * alias < len(cmap) else 0
        desc = objs["obj:" + cid["/FontDescriptor"]]["value"]
        real = sfnt_glyph(stream_data(objs, desc["/FontFile2"]), cp)
        width, w = cid["/DW"], cid.get("/W", [])
        for i in range(0, len(w), 2):
            if w[i] <= alias < w[i] + len(w[i + 1]):
                width = w[i + 1][alias - w[i]]
        return alias, mapped, real, width, alias in codes
    return None


class Characters(unittest.TestCase):
    def test_a_character_outside_the_bmp_renders_and_reads_back(self):
        d, path = filing(RARE)
        try:
            r = subprocess.run([JXGEN, "build", path, "-o", d], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(subprocess.run([JXGEN, "check", path], capture_output=True).returncode, 0)
            text = subprocess.run(["pdftotext", "-raw", os.path.join(d, "f.pdf"), "-"],
                                  capture_output=True, text=True).stdout
            self.assertIn("𠮷野家𡈽公司（2025）", text)
            self.assertIn("㙟部门", text)
            fonts = subprocess.run(["pdffonts", os.path.join(d, "f.pdf")], capture_output=True,
                                   text=True).stdout
            self.assertIn("HanaMin", fonts)
            for line in fonts.splitlines()[2:]:
                self.assertIn(" yes yes yes ", line, "embedded subset with ToUnicode: " + line)
            # 𠮷 is drawn under an alias CID of the Private Use Area that the
            # CIDToGIDMap maps to 𠮷's own glyph (not .notdef, not a glyph of
            # the font's own PUA), 1000 wide; ToUnicode maps it back.
            found = drawn_alias(os.path.join(d, "f.pdf"), 0x20BB7)
            self.assertIsNotNone(found, "no ToUnicode entry maps a code to U+20BB7")
            alias, mapped, real, width, drawn = found
            self.assertTrue(0xE000 <= alias <= 0xF8FF, hex(alias))
            self.assertTrue(drawn, "the page text does not draw the alias %04X" % alias)
            self.assertIsNotNone(real, "the embedded font program has no U+20BB7")
            self.assertNotEqual(mapped, 0)
            self.assertEqual(mapped, real)
            self.assertEqual(width, 1000)
            # The document information keeps it too (libharu's encoder drops
            # characters outside the BMP from the strings it writes).
            info = subprocess.run(["pdfinfo", os.path.join(d, "f.pdf")], capture_output=True,
                                  text=True).stdout
            self.assertIn("Subject:", info)
            self.assertIn("𠮷野家𡈽公司（2025）", info)
        finally:
            shutil.rmtree(d)

    def test_a_bookmark_keeps_a_character_outside_the_bmp(self):
        with open(os.path.join(SRC, "input", "national_project.yaml"), encoding="utf-8") as f:
            body = f.read()
        name = re.search(r"^project:\n  name: (.*)$", body, re.M)
        self.assertIsNotNone(name, "input/national_project.yaml: no project name")
        d, path = filing(body.replace("  name: " + name.group(1), "  name: 𠮷" + name.group(1), 1))
        try:
            r = subprocess.run([JXGEN, "build", path, "-o", d], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            out = subprocess.run(["qpdf", "--json=2", "--json-key=outlines",
                                  os.path.join(d, "f.pdf")], capture_output=True, text=True).stdout
            titles = [o["title"] for o in json.loads(out)["outlines"]]
            self.assertIn("𠮷" + name.group(1), titles)
        finally:
            shutil.rmtree(d)

    def test_check_fails_where_build_fails(self):
        d, path = filing(RARE.replace("㙟部门", "部门\U000F0000"))
        try:
            c = subprocess.run([JXGEN, "check", path], capture_output=True, text=True)
            b = subprocess.run([JXGEN, "build", path, "-o", d], capture_output=True, text=True)
            self.assertEqual(c.returncode, 1, c.stderr)
            self.assertEqual(b.returncode, 1, b.stderr)
            for out in (c.stderr, b.stderr):
                self.assertIn("project.department", out)
                self.assertIn("U+F0000", out)
                self.assertIn(":5:", out)  # the value's line
            self.assertIn("project.department: character U+F0000 '\U000F0000' (character 3) is "
                          "not in any configured font (tried ", c.stderr)
            zh = subprocess.run([JXGEN, "check", "--lang=zh", path], capture_output=True, text=True)
            self.assertIn("project.department：字符 U+F0000“\U000F0000”（第 3 个字符）不在任何已配置的"
                          "字体中（已尝试 ", zh.stderr)
        finally:
            shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
