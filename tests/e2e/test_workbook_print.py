#!/usr/bin/python3
"""The workbook as a clerk prints it (#11, points 6 and 7).

Each sample of input/ and two long filings (Changzhou's with a 7,000-character
年度目标, Guangzhou's with a 7,000-character 期望达到的目标 of a task) are built,
and their workbooks printed with LibreOffice (soffice --headless --convert-to
pdf); the printed pages are read with pdftotext:

  - LibreOffice starts a page only where jxgen put a page break (the form
    sheets print on exactly breaks + 1 pages each), so no page begins where
    nobody placed its header;
  - a page that continues a list of a table (the row above its first break
    and the first list row on it are entries of one list) shows that
    table's header rows above it: the nearest header rows above in the
    sheet, not one range repeated on every page (a sheet has one
    print-titles range; Guanggu's fund header used to head its indicator
    tables);
  - no text is cut off: every character of every text field (the 数据
    sheet's 值) is on the printed form pages, in order, cut only at page
    breaks; a text taller than a page goes on in a new cell on each next
    page (the record's 续 rows), and such a page starts with a copy of the
    table's header rows when the table has them above the text (Guangzhou's
    task head);
  - no row is taller than Excel's 409 pt.

Skips when soffice is not installed.

usage: test_workbook_print.py JXGEN SOURCE_DIR"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

JXGEN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
sys.path.insert(0, os.path.join(SRC, "tests", "corpus"))
import check_filing  # noqa: E402  (norm, find_in_pages, header_texts)
import yaml  # noqa: E402

SOFFICE = shutil.which("soffice")
PAGE_NO = re.compile(r"^(第\d+页共\d+页|—\d+—)")
DATA_HEAD = "路径名称单位值类型工作表单元格"


def lo_print(xlsx_files, out_dir, profile):
    """Prints the workbooks with LibreOffice into out_dir (its own profile,
    so that two test runs at once do not share one)."""
    subprocess.run([SOFFICE, "-env:UserInstallation=file://" + profile, "--headless",
                    "--convert-to", "pdf", "--outdir", out_dir] + xlsx_files,
                   check=True, capture_output=True, timeout=600)


def printed_pages(pdf):
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", pdf, "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    pages, firsts = [], []
    for p in raw.split("\f"):
        lines = [check_filing.norm(x) for x in p.splitlines()]
        lines = [x for x in lines if x and not PAGE_NO.match(x)]
        pages.append("".join(lines))
        firsts.append(lines[0] if lines else "")
    if pages and not pages[-1]:
        pages.pop()
    return pages, firsts


def expand(text, filing):
    """A layout text with its {path} / {/path} placeholders filled in."""
    def value(m):
        node = filing
        for p in m.group(1).lstrip("/").split("."):
            if isinstance(node, dict) and p in node:
                node = node[p]
            elif isinstance(node, list) and p.isdigit() and int(p) < len(node):
                node = node[int(p)]
            else:
                return m.group(0)
        return str(node)
    return re.sub(r"\{(/?[\w.]+)\}", value, text)


def list_key(path):
    """The innermost list an entry's field belongs to ("indicators.0.groups.1.items"
    for "indicators.0.groups.1.items.3.name"), or None outside lists."""
    parts = path.split(".")
    idx = [i for i, p in enumerate(parts) if p.isdigit()]
    return ".".join(parts[:idx[-1]]) if idx else None


class Printed(unittest.TestCase):
    """One built filing: its workbook printed."""

    @classmethod
    def setUpClass(cls):
        if not SOFFICE:
            raise unittest.SkipTest("LibreOffice (soffice) is not installed")
        # JX_PRINT_KEEP=DIR: work in DIR and keep it (by hand, to look at the pages).
        cls.keep = os.environ.get("JX_PRINT_KEEP")
        cls.tmp = cls.keep or tempfile.mkdtemp(prefix="jx-print-")
        cls.jobs = []   # (name, filing yaml, region layout)
        inputs = os.path.join(cls.tmp, "in")
        os.makedirs(inputs, exist_ok=True)
        # A 年度目标 of some 7,000 characters: 1,300 pt and more in the workbook.
        with open(os.path.join(SRC, "input", "changzhou.yaml"), encoding="utf-8") as f:
            cz = yaml.safe_load(f)
        paras = re.findall(r"<p>(.*?)</p>", cz["goals"]["annual"])
        cz["goals"]["annual"] = " ".join("<p>第%d节 %s</p>" % (k + 1, paras[k % len(paras)])
                                         for k in range(7 * len(paras)))
        assert len(check_filing.norm(cz["goals"]["annual"])) > 6000
        with open(os.path.join(inputs, "long-goal.yaml"), "w", encoding="utf-8") as f:
            yaml.safe_dump(cz, f, allow_unicode=True)
        # A task's 期望达到的目标 of 7,000 characters, one paragraph, in a
        # table whose header rows head every page it continues on.
        with open(os.path.join(SRC, "input", "guangzhou.yaml"), encoding="utf-8") as f:
            gz = yaml.safe_load(f)
        words = "".join(t["goal"] for t in gz["tasks"])
        gz["tasks"][1]["goal"] = (words * (7000 // len(words) + 1))[:7000]
        with open(os.path.join(inputs, "long-task.yaml"), "w", encoding="utf-8") as f:
            yaml.safe_dump(gz, f, allow_unicode=True)
        out = os.path.join(cls.tmp, "out")
        yamls = {f[:-5]: os.path.join(inputs, f) for f in os.listdir(inputs)
                 if f.endswith(".yaml")}
        for f in os.listdir(os.path.join(SRC, "input")):
            if f.endswith(".yaml"):
                yamls[f[:-5]] = os.path.join(SRC, "input", f)
        names = sorted(yamls)
        for n in names:
            r = subprocess.run([JXGEN, "build", yamls[n], "-o", out],
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise AssertionError("jxgen build %s: %s" % (n, r.stderr))
        lo = os.path.join(cls.tmp, "lo")
        lo_print([os.path.join(out, n + ".xlsx") for n in names], lo,
                 os.path.join(cls.tmp, "profile"))
        cls.cases = []
        for n in names:
            # The filing as built (jxgen import gives it back standalone).
            r = subprocess.run([JXGEN, "import", os.path.join(out, n + ".xlsx")],
                               capture_output=True, check=True)
            filing = yaml.safe_load(r.stdout.decode("utf-8"))
            with open(os.path.join(SRC, "layouts", filing["region"] + ".yaml"),
                      encoding="utf-8") as f:
                layout = yaml.safe_load(f)
            cls.cases.append((n, filing, layout, os.path.join(out, n + ".xlsx"),
                              os.path.join(lo, n + ".pdf")))

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "tmp", None) and not cls.keep:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_pages(self):
        import openpyxl
        for name, filing, layout, xlsx, pdf in self.cases:
            with self.subTest(name):
                wb = openpyxl.load_workbook(xlsx)
                pages, firsts = printed_pages(pdf)
                forms = [ws for ws in wb.worksheets
                         if ws.sheet_state == "visible" and ws.title != "数据"]
                # Row heights: Excel's limit.
                for ws in forms:
                    for r, dim in ws.row_dimensions.items():
                        self.assertLessEqual(dim.height or 0, 409, "%s!%d" % (ws.title, r))
                # LibreOffice paginates where jxgen did.
                starts = {ws.title: [1] + [b.id + 1 for b in ws.row_breaks.brk] for ws in forms}
                nform = sum(len(s) for s in starts.values())
                self.assertGreater(len(pages), nform, "no 数据 pages after the form")
                self.assertTrue(pages[nform].startswith(DATA_HEAD),
                                "jxgen paginated the form sheets into %d pages, LibreOffice "
                                "printed more (it broke pages of its own): page %d reads %s" %
                                (nform, nform + 1, pages[nform][:40]))
                self.assertFalse(any(p.startswith(DATA_HEAD) for p in pages[:nform]))
                form_pages = pages[:nform]
                # Nothing cut off: every text field whole, in order, over
                # the pages (a text taller than a page in a cell per page).
                for row in wb["数据"].iter_rows(min_row=2, values_only=True):
                    if not (row[5] and row[6] and row[4] == "文本" and isinstance(row[3], str)):
                        continue
                    v = check_filing.norm(row[3])
                    if len(v) < 2:
                        continue
                    # LibreOffice writes a character outside the BMP without
                    # a text mapping (pdftotext reads a blank): left out here;
                    # jxgen's own PDF is checked for them (test_corpus.py).
                    value = "".join(ch for ch in v if ord(ch) < 0x10000)
                    self.assertTrue(check_filing.find_in_pages(form_pages, value),
                                    "%s: %s… not all on the printed pages" % (row[0], v[:30]))
                # A text continued on a new page: its cell is the first of
                # that page but for a copy of the header rows above the text
                # (rows identical to ones above, printed on the page).
                conts = continued(wb)
                if name.startswith("long-"):
                    self.assertGreaterEqual(len(conts), 2, "%s: the long text is not continued "
                                            "on new pages" % name)
                for sheet, first, row in conts:
                    ws = wb[sheet]
                    page = max(k for k, p in enumerate(starts[sheet]) if p <= row)
                    top = starts[sheet][page]
                    self.assertGreater(row, first, "%s!%d" % (sheet, row))
                    self.assertLess(starts[sheet][max(k for k, p in enumerate(starts[sheet])
                                                      if p <= first)], top,
                                    "%s!%d is on the page of the text's start" % (sheet, row))
                    head = [row_texts(ws, r) for r in range(top, row)]
                    for r, texts in zip(range(top, row), head):
                        self.assertTrue(texts and any(row_texts(ws, q) == texts
                                                      for q in range(1, first)),
                                        "%s!%d above a continued text is no header copy" %
                                        (sheet, r))
                    pno = sum(len(starts[ws2.title]) for ws2 in forms[:forms.index(ws)]) + page
                    for t in (t for texts in head for t in texts):
                        self.assertIn(t, form_pages[pno], "%s page %d lacks its header %s" %
                                      (sheet, pno + 1, t))
                if name == "long-task":
                    self.assertTrue(any(row > starts[sheet][max(
                        k for k, p in enumerate(starts[sheet]) if p <= row)]
                        for sheet, first, row in conts),
                        "long-task: no continued page starts with the task table's header")
                # Each page continuing a list shows its table's header.
                heads = {check_filing.norm(expand(h, filing))
                         for h in check_filing.header_texts(layout)}
                rows_of = {}
                for row in wb["数据"].iter_rows(min_row=2, values_only=True):
                    path, sheet, cell = row[0], row[5], row[6]
                    if sheet and cell and list_key(path):
                        r = int(re.sub(r"[A-Z]+", "", cell))
                        rows_of.setdefault(sheet, {}).setdefault(r, set()).add(list_key(path))
                pno = 0
                for ws in forms:
                    texts = {}
                    for row in ws.iter_rows():
                        t = [check_filing.norm(str(c.value)) for c in row
                             if c.value is not None and str(c.value).strip()]
                        if t:
                            texts[row[0].row] = t
                    entries = rows_of.get(ws.title, {})
                    for k, p in enumerate(starts[ws.title]):
                        page = form_pages[pno + k]
                        if k == 0:
                            continue
                        above = [r for r in entries if r < p]
                        below = [r for r in entries if r >= p]
                        if not above or not below:
                            continue
                        d, e = max(above), min(below)
                        if not entries[d] & entries[e]:
                            continue
                        # The nearest header rows above d.
                        run, lead, r = [], set(), d - 1
                        while r > 0 and not is_head(texts.get(r), heads):
                            r -= 1
                        while r > 0 and is_head(texts.get(r), heads):
                            run.insert(0, [t for t in texts[r] if t in heads])
                            lead |= set(texts[r])
                            r -= 1
                        if not run:
                            continue  # a list without header rows: none to repeat
                        # pdftotext -raw reads a page in drawing order, not
                        # quite top to bottom: the page's first line is from
                        # the header rows, and the page has every header text.
                        want = [t for row in run for t in row]
                        missing = [t for t in want if t not in page]
                        top = firsts[pno + k]
                        self.assertTrue(any(top.startswith(t) for t in lead) and not missing,
                                        "%s page %d continues %s without its header %s "
                                        "(missing %s): %s" %
                                        (ws.title, pno + k + 1, sorted(entries[e])[0],
                                         "/".join(want), "/".join(missing), page[:80]))
                    pno += len(starts[ws.title])


def continued(wb):
    """The record's 续 rows: (sheet, row the text starts on, row of a cell
    it goes on in), rows 1-based."""
    out = []
    for row in wb["jxgen"].iter_rows(values_only=True):
        if row[0] == "续":
            a = re.search(r"\$(\d+)\)$", row[2])
            b = re.search(r"\$(\d+)\)$", row[3])
            out.append((row[1], int(a.group(1)), int(b.group(1))))
    return out


def row_texts(ws, r):
    """The texts of sheet row r, normalized."""
    return [check_filing.norm(str(c.value)) for c in ws[r]
            if c.value is not None and str(c.value).strip()]


def is_head(texts, heads):
    """Whether a sheet row of these texts is a header row: most of its texts
    are header texts of the layout (a band label may start on it)."""
    if not texts:
        return False
    n = sum(1 for t in texts if t in heads)
    return n >= 2 and 2 * n >= len(texts)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
