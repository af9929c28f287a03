#!/usr/bin/python3
"""Unseen filings render as faithfully as the samples (#11).

A corpus of random valid filings (tests/corpus/gen_filings.py, fixed seed,
--small: a few pages each) is rendered and read back the way a reader
sees it (tests/corpus/check_filing.py): every character of every value in
the PDF in order and in the workbook, every amount a number showing the
PDF's text, no word across a cell border, no missing glyph, no header row
ending a page.  Split numbers and Latin words are counted but allowed
until the line breaker keeps them whole (helper `text`, #12); see
tests/corpus/README.md for longer runs.  Also: a character outside the BMP
(𠮷) renders and reads back, and `check` fails like `build` on a character
no configured font has.

usage: test_corpus.py JXGEN SOURCE_DIR"""
import os
import shutil
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


# 30 filings per region (150 in all); a sanitizer build, several times
# slower, runs the same checks on 6 per region.
PER_REGION = int(os.environ.get("JX_CORPUS_COUNT", "6" if sanitized(JXGEN) else "30"))


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
                            "--allow", "split", "-j", str(os.cpu_count() or 2)],
                           capture_output=True, text=True)
        summary = r.stdout.strip().splitlines()[-1:] or [""]
        print(summary[0], file=sys.stderr)
        faults = [l for l in r.stdout.splitlines() if ": split:" not in l]
        self.assertEqual(r.returncode, 0, "\n".join(faults[-60:]) + r.stderr[-2000:])

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
        self.assertEqual(check_filing.excel_text(Decimal("2033"), '0"万元"'), "2033万元")
        self.assertEqual(check_filing.excel_text(Decimal("3343.64"), "#,##0.00"), "3,343.64")
        self.assertFalse(check_filing.shown_in("合计 87734.30 元", "87734.3"))


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
        finally:
            shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
