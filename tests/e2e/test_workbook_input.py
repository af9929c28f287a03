#!/usr/bin/python3
"""End to end, issue 13: the workbook as input.

- Round trip for every sample in input/: build -> import -> build gives a
  byte-identical PDF and the filing back value for value; `jxgen build
  FORM.xlsx` gives the same PDF directly.
- Edits made by an independent writer (python3-openpyxl): amounts, texts,
  an indicator row inserted and one deleted the way Excel does it (cells,
  merged ranges and formula references move), then the workbook re-saved
  by LibreOffice headless where it is installed: the rebuilt PDF shows the
  edits and a derived total follows its parts.
- A 数据-only workbook and the same table as CSV (UTF-8, GB18030) are
  filings.
- Each bad workbook is refused with its exact message and nothing is
  written.

usage: test_workbook_input.py JXGEN SOURCE_DIR"""
import glob
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile

import openpyxl
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jxcheck  # noqa: E402

JXGEN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
SAMPLES = sorted(glob.glob(os.path.join(SRC, "input", "*.yaml")))
FORM = "项目绩效目标表"  # changzhou's form sheet
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1718409600")
ZH_ENV = {k: v for k, v in ENV.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}


def jx(*args, cwd=None):
    return subprocess.run([JXGEN] + list(args), capture_output=True, text=True, cwd=cwd, env=ENV)


def leaves(n, p=""):
    if isinstance(n, dict):
        for k, v in n.items():
            yield from leaves(v, p + "." + str(k) if p else str(k))
    elif isinstance(n, list):
        for i, v in enumerate(n):
            yield from leaves(v, p + "." + str(i) if p else str(i))
    else:
        yield p, n


# ---- what Excel does when a clerk inserts or deletes a row --------------------

REF = re.compile(r"('(?:[^']|'')+'|[^\s'!(),=]+)!(\$?[A-Z]{1,3}\$?)(\d+)")


def _move_refs(wb, sheet, fn):
    """Rewrites every reference to `sheet` in every formula: row -> fn(row)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" and isinstance(c.value, str):
                    def sub(m):
                        name = m.group(1).strip("'").replace("''", "'")
                        if name != sheet:
                            return m.group(0)
                        new = fn(int(m.group(3)))
                        return "%s!#REF!" % m.group(1) if new is None else \
                            "%s!%s%d" % (m.group(1), m.group(2), new)
                    c.value = REF.sub(sub, c.value)


def insert_row(wb, sheet, r):
    ws = wb[sheet]
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    for m in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(m))
    ws.insert_rows(r)
    for r0, c0, r1, c1 in merges:
        if r0 >= r:
            r0, r1 = r0 + 1, r1 + 1
        elif r1 >= r:
            r1 += 1
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    _move_refs(wb, sheet, lambda n: n + 1 if n >= r else n)


def delete_row(wb, sheet, r):
    ws = wb[sheet]
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    for m in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(m))
    # Excel keeps the value of a merged range whose first row is deleted.
    for r0, c0, r1, c1 in merges:
        if r0 == r < r1:
            ws.cell(row=r + 1, column=c0).value = ws.cell(row=r, column=c0).value
    ws.delete_rows(r)
    for r0, c0, r1, c1 in merges:
        if r0 == r1 == r:
            continue
        if r0 > r:
            r0, r1 = r0 - 1, r1 - 1
        elif r1 >= r:
            r1 -= 1
        if (r0, c0) != (r1, c1):
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    _move_refs(wb, sheet, lambda n: None if n == r else (n - 1 if n > r else n))


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jx-wbin-")
        cls.out = os.path.join(cls.tmp, "out")
        r = jx("build", "--force", os.path.join(SRC, "input"), "-o", cls.out)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def import_ok(self, book, name):
        dst = self.path(name)
        r = jx("import", book, "-o", dst)
        self.assertEqual(r.returncode, 0, r.stderr)
        return dst

    def rebuild(self, filing, sub):
        out = self.path(sub)
        r = jx("build", "--force", filing, "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        base = os.path.splitext(os.path.basename(filing))[0]
        return os.path.join(out, base + ".pdf")


class RoundTrip(Base):
    def test_every_sample(self):
        for src in SAMPLES:
            name = os.path.splitext(os.path.basename(src))[0]
            with self.subTest(sample=name):
                book = os.path.join(self.out, name + ".xlsx")
                back = self.import_ok(book, name + ".yaml")
                pdf = self.rebuild(back, "rt-" + name)
                with open(pdf, "rb") as a, open(os.path.join(self.out, name + ".pdf"), "rb") as b:
                    self.assertTrue(a.read() == b.read(), "%s: PDF differs" % name)
                # The filing: every value as written (a filing with include:
                # comes back standalone, so it is compared through diff).
                with open(src, encoding="utf-8") as f:
                    orig = yaml.safe_load(f)
                with open(back, encoding="utf-8") as f:
                    got = yaml.safe_load(f)
                if "include" not in orig:
                    self.assertEqual(got, orig)
                r = jx("diff", src, back)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout, "0 changed, 1 unchanged, 0 added, 0 removed\n")
                # build FORM.xlsx directly
                pdf2 = self.rebuild(book, "direct-" + name)
                with open(pdf2, "rb") as a, open(os.path.join(self.out, name + ".pdf"), "rb") as b:
                    self.assertTrue(a.read() == b.read(), "%s: direct build differs" % name)


def sanitized(binary):
    """Whether binary is an AddressSanitizer build (it links libasan)."""
    r = subprocess.run(["ldd", binary], capture_output=True, text=True)
    return "libasan" in r.stdout


# Generated filings of every layout (tests/corpus/gen_filings.py, fixed
# seed): 5 per region (35 in all), 1 per region under the sanitizers.
CORPUS_REGIONS = sorted(os.path.basename(f)[:-5] for f in glob.glob(os.path.join(SRC, "layouts", "*.yaml")))
CORPUS_PER_REGION = int(os.environ.get("JX_ROUNDTRIP_COUNT", "1" if sanitized(JXGEN) else "5"))


class CorpusRoundTrip(Base):
    def test_generated_filings(self):
        """build -> import -> build over generated filings of all seven
        layouts: the second PDF is byte-identical to the first and the
        imported filing equals the generated one, every value as written
        (strings stay strings: '1,000.50', '12.5%', '-', '')."""
        gen = os.path.join(self.tmp, "corpus")
        args = [sys.executable, os.path.join(SRC, "tests", "corpus", "gen_filings.py"), SRC, gen,
                "--seed", "13", "--count", str(CORPUS_PER_REGION), "--small"]
        for region in CORPUS_REGIONS:
            args += ["--region", region]
        subprocess.run(args, check=True, capture_output=True)
        filings = sorted(glob.glob(os.path.join(gen, "*.yaml")))
        self.assertEqual(len(filings), CORPUS_PER_REGION * len(CORPUS_REGIONS))
        self.assertIn("national_dept", CORPUS_REGIONS)
        self.assertIn("national_project", CORPUS_REGIONS)
        first = os.path.join(self.tmp, "corpus-1")
        r = jx("build", "--force", gen, "-o", first)
        self.assertEqual(r.returncode, 0, r.stderr)
        for src in filings:
            name = os.path.splitext(os.path.basename(src))[0]
            with self.subTest(filing=name):
                back = self.import_ok(os.path.join(first, name + ".xlsx"), "corpus-" + name + ".yaml")
                with open(src, encoding="utf-8") as f:
                    orig = yaml.safe_load(f)
                with open(back, encoding="utf-8") as f:
                    got = yaml.safe_load(f)
                self.assertEqual(got, orig)
                pdf = self.rebuild(back, "corpus-2-" + name)
                with open(pdf, "rb") as a, open(os.path.join(first, name + ".pdf"), "rb") as b:
                    self.assertTrue(a.read() == b.read(), "%s: PDF differs" % name)


class LongTexts(Base):
    """A text taller than a printed page goes on in a new cell on each next
    page (the record's 续 rows); import joins the cells back into one value."""

    def long_filing(self):
        with open(os.path.join(SRC, "input", "changzhou.yaml"), encoding="utf-8") as f:
            cz = yaml.safe_load(f)
        paras = re.findall(r"<p>(.*?)</p>", cz["goals"]["annual"])
        cz["goals"]["annual"] = " ".join("<p>第%d节 %s</p>" % (k + 1, paras[k % len(paras)])
                                         for k in range(7 * len(paras)))
        src = self.path("long.yaml")
        with open(src, "w", encoding="utf-8") as f:
            yaml.safe_dump(cz, f, allow_unicode=True)
        r = jx("build", "--force", src, "-o", self.path("long-out"))
        self.assertEqual(r.returncode, 0, r.stderr)
        book = os.path.join(self.path("long-out"), "long.xlsx")
        conts = [row for row in openpyxl.load_workbook(book)["jxgen"].iter_rows(values_only=True)
                 if row[0] == "续"]
        return cz, book, conts

    def test_round_trip(self):
        cz, book, conts = self.long_filing()
        self.assertGreaterEqual(len(conts), 2, "the goal is not continued on new pages")
        self.assertIn(1, [row[4] for row in conts], "no page ends at a paragraph's end")
        back = self.import_ok(book, "long-back.yaml")
        with open(back, encoding="utf-8") as f:
            self.assertEqual(yaml.safe_load(f), cz)
        pdf = self.rebuild(back, "long-rt")
        with open(pdf, "rb") as a, open(os.path.join(self.path("long-out"), "long.pdf"), "rb") as b:
            self.assertTrue(a.read() == b.read(), "PDF differs")

    def test_continuation_edited(self):
        cz, book, conts = self.long_filing()
        wb = openpyxl.load_workbook(book)
        ref = re.search(r"\$([A-Z]+)\$(\d+)\)$", conts[-1][3])
        cell = wb[FORM][ref.group(1) + ref.group(2)]
        old = cell.value
        cell.value = "改过的最后一段。"
        wb.save(self.path("long-edited.xlsx"))
        back = self.import_ok(self.path("long-edited.xlsx"), "long-edited.yaml")
        with open(back, encoding="utf-8") as f:
            got = yaml.safe_load(f)["goals"]["annual"]

        def norm(t):
            return re.sub(r"\s+|</?p>", "", t)
        whole = norm(cz["goals"]["annual"])
        self.assertTrue(whole.endswith(norm(old)))
        self.assertEqual(norm(got), whole[:len(whole) - len(norm(old))] + "改过的最后一段。")


def edit_changzhou(src, dst):
    """A clerk's edits: amounts, a text, one indicator row inserted and one
    deleted (the way Excel moves cells, merges and references)."""
    wb = openpyxl.load_workbook(src)
    ws = wb[FORM]
    for cell in ("H11", "H12", "H13"):
        ws[cell] = 600
    ws["C3"] = "大楼运行费（修订）"
    # A new indicator after 立项依据充分性 (row 25), in group 项目立项.
    insert_row(wb, FORM, 26)
    ws["D26"], ws["G26"], ws["I26"] = "立项材料完整性", "完整", "完整"
    # Delete 资金分配合理性 (row 30, now 31).
    assert ws["D31"].value == "资金分配合理性", ws["D31"].value
    delete_row(wb, FORM, 31)
    wb.save(dst)


class Edits(Base):
    def check_changzhou(self, filing):
        with open(filing, encoding="utf-8") as f:
            got = yaml.safe_load(f)
        self.assertEqual(got["fund"]["total"], 600)
        self.assertEqual(got["fund"]["general_budget"], 600)
        self.assertEqual(got["project"]["name"], "大楼运行费（修订）")
        items = got["indicators"][0]["groups"][0]["items"]
        self.assertEqual([i["name"] for i in items], ["立项依据充分性", "立项材料完整性", "立项程序规范性"])
        self.assertEqual(items[1], {"name": "立项材料完整性", "half": "完整", "full": "完整"})
        self.assertEqual([i["name"] for i in got["indicators"][0]["groups"][2]["items"]],
                         ["预算编制科学性"])
        text = jxcheck.pdf_text(self.rebuild(filing, "ed-" + os.path.basename(filing)))[0]
        for word in ("600", "大楼运行费（修订）", "立项材料完整性"):
            self.assertIn(word, text)
        self.assertNotIn("资金分配合理性", text)
        self.assertLess(text.index("立项依据充分性"), text.index("立项材料完整性"))
        self.assertLess(text.index("立项材料完整性"), text.index("立项程序规范性"))
        return got

    def test_openpyxl_edits(self):
        book = self.path("cz-edited.xlsx")
        edit_changzhou(os.path.join(self.out, "changzhou.xlsx"), book)
        got = self.check_changzhou(self.import_ok(book, "cz-edited.yaml"))
        # diff names the changes by label
        r = jx("diff", os.path.join(SRC, "input", "changzhou.yaml"), self.path("cz-edited.yaml"))
        self.assertIn("资金总额 (fund.total): 500 → 600", r.stdout)
        self.assertTrue(got)

    @unittest.skipUnless(shutil.which("soffice"), "LibreOffice not installed")
    def test_libreoffice_resave(self):
        book = self.path("cz-lo-in.xlsx")
        edit_changzhou(os.path.join(self.out, "changzhou.xlsx"), book)
        lo = self.path("lo")
        os.makedirs(lo, exist_ok=True)
        r = subprocess.run(["soffice", "--headless", "-env:UserInstallation=file://" +
                            self.path("lo-profile"), "--convert-to", "xlsx", "--outdir", lo, book],
                           capture_output=True, text=True, timeout=240)
        resaved = os.path.join(lo, "cz-lo-in.xlsx")
        self.assertTrue(os.path.exists(resaved), r.stderr + r.stdout)
        shutil.move(resaved, self.path("cz-lo.xlsx"))
        self.check_changzhou(self.import_ok(self.path("cz-lo.xlsx"), "cz-lo.yaml"))

    def test_first_entry_of_a_group_deleted(self):
        # Row 25 holds 决策 (A25:A30), 项目立项 (B25:B26) and 立项依据充分性.
        wb = openpyxl.load_workbook(os.path.join(self.out, "changzhou.xlsx"))
        delete_row(wb, FORM, 25)
        self.assertEqual(wb[FORM]["A25"].value, "决策")
        wb[FORM]["B25"] = "项目立项（改）"
        book = self.path("first.xlsx")
        wb.save(book)
        with open(self.import_ok(book, "first.yaml"), encoding="utf-8") as f:
            got = yaml.safe_load(f)
        g = got["indicators"][0]
        self.assertEqual(g["level1"], "决策")
        self.assertEqual(g["groups"][0]["level2"], "项目立项（改）")
        self.assertEqual([i["name"] for i in g["groups"][0]["items"]], ["立项程序规范性"])

    def test_derived_total_follows(self):
        # jiangbei: 项目支出 (I17) is =SUM(I19,...,I30) over the projects.
        wb = openpyxl.load_workbook(os.path.join(self.out, "jiangbei.xlsx"))
        ws = wb["部门整体预算绩效目标表"]
        self.assertTrue(str(ws["I17"].value).startswith("=SUM("))
        ws["I20"] = 263  # 招商相关费用: 163 -> 263
        book = self.path("jb.xlsx")
        wb.save(book)
        text = jxcheck.pdf_text(self.rebuild(self.import_ok(book, "jb.yaml"), "jb"))[0]
        self.assertIn("70923.39", text)
        self.assertNotIn("70823.39", text)

    def test_typed_numbers(self):
        wb = openpyxl.load_workbook(os.path.join(self.out, "changzhou.xlsx"))
        ws = wb[FORM]
        ws["H11"], ws["H12"], ws["H13"] = "1,000.50", "１０００.５０", " 1000.5 "
        book = self.path("typed.xlsx")
        wb.save(book)
        with open(self.import_ok(book, "typed.yaml"), encoding="utf-8") as f:
            got = yaml.safe_load(f)
        self.assertEqual([got["fund"][k] for k in ("total", "subtotal", "general_budget")],
                         [1000.5] * 3)

    def test_typed_formula_with_cached_value(self):
        # A formula the clerk typed, saved by LibreOffice with its value.
        if not shutil.which("soffice"):
            self.skipTest("LibreOffice not installed")
        wb = openpyxl.load_workbook(os.path.join(self.out, "changzhou.xlsx"))
        ws = wb[FORM]
        ws["H11"], ws["H12"], ws["H13"] = "=300+300", "=300+300", "=300+300"
        book = self.path("f-in.xlsx")
        wb.save(book)
        lo = self.path("lo2")
        os.makedirs(lo, exist_ok=True)
        subprocess.run(["soffice", "--headless", "-env:UserInstallation=file://" +
                        self.path("lo-profile"), "--convert-to", "xlsx", "--outdir", lo, book],
                       capture_output=True, timeout=240)
        with open(self.import_ok(os.path.join(lo, "f-in.xlsx"), "f.yaml"), encoding="utf-8") as f:
            self.assertEqual(yaml.safe_load(f)["fund"]["total"], 600)


class TemplateTexts(Base):
    """A value the form shows inside its own text ("（{year}年度）",
    "中期目标（{goals.mid_start}年－{goals.mid_end}年）", "绩效目标：{goal}",
    "{title}{content}") is read back from that cell when the clerk edits
    it; an edit of the form's own text around the values, or of two
    values that run together, is an error naming the cell."""

    def edit(self, sample, sheet, cells, name):
        wb = openpyxl.load_workbook(os.path.join(self.out, sample + ".xlsx"))
        for cell, value in cells.items():
            wb[sheet][cell] = value
        p = self.path(name)
        wb.save(p)
        return p

    def test_years_in_titles(self):
        book = self.edit("national_project", "项目支出绩效目标表",
                         {"A2": "（2027年度）", "B9": "中期目标（2027年－2029年）"}, "np-years.xlsx")
        with open(self.import_ok(book, "np-years.yaml"), encoding="utf-8") as f:
            got = yaml.safe_load(f)
        with open(os.path.join(SRC, "input", "national_project.yaml"), encoding="utf-8") as f:
            orig = yaml.safe_load(f)
        self.assertEqual((got["year"], got["goals"]["mid_start"], got["goals"]["mid_end"]),
                         ("2027", "2027", "2029"))
        # nothing else changed
        orig["year"], orig["goals"]["mid_start"], orig["goals"]["mid_end"] = "2027", "2027", "2029"
        self.assertEqual(got, orig)
        text = jxcheck.pdf_text(self.rebuild(self.path("np-years.yaml"), "np-years"))[0]
        self.assertIn("（2027年度）", text)
        self.assertIn("中期目标（2027年－2029年）", text)
        # build FORM.xlsx directly gives the same PDF
        direct = self.rebuild(book, "np-years-direct")
        with open(direct, "rb") as a, open(os.path.join(self.path("np-years"), "np-years.pdf"),
                                           "rb") as b:
            self.assertTrue(a.read() == b.read())

    def test_text_after_a_caption(self):
        book = self.edit("tangshan", "部门整体绩效目标",
                         {"A10": "绩效目标：保障孵化场地正常运营。",
                          "A25": "（一）完善制度建设。制定制度。"}, "ts-text.xlsx")
        with open(self.import_ok(book, "ts-text.yaml"), encoding="utf-8") as f:
            got = yaml.safe_load(f)
        dg = got["department_goals"]
        self.assertEqual(dg["items"][0]["goal"], "保障孵化场地正常运营。")
        self.assertEqual((dg["measures"][0]["title"], dg["measures"][0]["content"]),
                         ("（一）完善制度建设。", "制定制度。"))
        r = jx("diff", "--lang=en", os.path.join(SRC, "input", "tangshan.yaml"), self.path("ts-text.yaml"))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(len([l for l in r.stdout.splitlines() if l.startswith("  changed")]), 2)

    def refuse_both(self, book, en, zh):
        for lang, message in (("en", en), ("zh", zh)):
            r = subprocess.run([JXGEN, "import", "--lang=" + lang, book, "-o", self.path("never.yaml")],
                               capture_output=True, text=True, env=ZH_ENV)
            self.assertEqual((r.returncode, r.stderr), (1, message))
            self.assertFalse(os.path.exists(self.path("never.yaml")))

    def test_caption_edited(self):
        book = self.edit("tangshan", "部门整体绩效目标",
                         {"A11": "指标：企业入驻配套及时率达到100%"}, "ts-caption.xlsx")
        self.refuse_both(
            book,
            "%s:部门整体绩效目标!A11: error: the form's own text in this cell was changed: only the "
            "values in it (「绩效指标」) can be edited here; the rest must read “绩效指标：「绩效指标」”\n"
            % book,
            "%s:部门整体绩效目标!A11: 错误: 这个单元格里表格本身的文字被改动了：这里只能修改其中的值"
            "（「绩效指标」），其余文字须保持为“绩效指标：「绩效指标」”\n" % book)

    def test_values_run_together(self):
        book = self.edit("tangshan", "部门整体绩效目标",
                         {"A25": "（一）完善制度。制定制度。"}, "ts-run.xlsx")
        self.refuse_both(
            book,
            "%s:部门整体绩效目标!A25: error: the values this cell shows (「措施」、「措施内容」) run "
            "together and more than one of them was changed, so where one ends cannot be told; "
            "change one at a time and import after each\n" % book,
            "%s:部门整体绩效目标!A25: 错误: 这个单元格里的几个值（「措施」、「措施内容」）连在一起，"
            "且改动了不止一个，无法分辨一个值在哪里结束；请一次只改一个，每改一个导入一次\n" % book)


def flat_rows(sample):
    with open(sample, encoding="utf-8") as f:
        return list(leaves(yaml.safe_load(f)))


class Tables(Base):
    """A 数据-only workbook and the same table as CSV are filings."""

    def expect_same_pdf(self, filing, name):
        pdf = self.rebuild(filing, "tab-" + name)
        with open(pdf, "rb") as a, open(os.path.join(self.out, "changzhou.pdf"), "rb") as b:
            self.assertTrue(a.read() == b.read(), name)

    def test_data_only_workbook(self):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "数据"
        ws.append(["路径", "值"])
        for p, v in flat_rows(os.path.join(SRC, "input", "changzhou.yaml")):
            ws.append([p, None if v == "" else v])
            if isinstance(v, str) and v.startswith("="):
                ws.cell(row=ws.max_row, column=2).data_type = "s"  # text, not a formula
        book = self.path("changzhou.xlsx")
        wb.save(book)
        self.expect_same_pdf(book, "xlsx")

    def csv_bytes(self, encoding):
        buf = io.StringIO()
        import csv
        w = csv.writer(buf)
        w.writerow(["路径", "值"])
        for p, v in flat_rows(os.path.join(SRC, "input", "changzhou.yaml")):
            w.writerow([p, v])
        return buf.getvalue().encode(encoding)

    def test_csv_utf8(self):
        os.makedirs(self.path("u"), exist_ok=True)
        with open(self.path("u/changzhou.csv"), "wb") as f:
            f.write(self.csv_bytes("utf-8-sig"))
        self.expect_same_pdf(self.path("u/changzhou.csv"), "utf8")

    def test_csv_gb18030(self):
        os.makedirs(self.path("g"), exist_ok=True)
        with open(self.path("g/changzhou.csv"), "wb") as f:
            f.write(self.csv_bytes("gb18030"))
        self.expect_same_pdf(self.path("g/changzhou.csv"), "gb18030")


def minimal_book(sheet_xml, extra=None):
    """A workbook of one sheet 表, written by hand with zipfile."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"/>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                   'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships"><sheets><sheet name="数据" sheetId="1" '
                   'r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="worksheet" '
                   'Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


SHEET_HEAD = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              'spreadsheetml/2006/main"><sheetData>')


class BadWorkbooks(Base):
    """Each bad workbook is refused with its exact message, in Chinese (the
    default) and in English (--lang=en), and nothing is written."""

    def refuse(self, book, en, zh):
        dst = self.path("never.yaml")
        for lang, message in (("en", en), ("zh", zh)):
            r = subprocess.run([JXGEN, "import", "--lang=" + lang, book, "-o", dst],
                               capture_output=True, text=True, env=ZH_ENV)
            self.assertEqual(r.stderr, message)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertFalse(os.path.exists(dst))
        r = subprocess.run([JXGEN, "build", book, "-o", self.path("never")], capture_output=True,
                           text=True, env=ZH_ENV)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(zh, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.path("never"), "bad.pdf")))

    def write(self, name, data):
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def edited(self, fn, name="bad.xlsx"):
        wb = openpyxl.load_workbook(os.path.join(self.out, "changzhou.xlsx"))
        fn(wb)
        p = self.path(name)
        wb.save(p)
        return p

    def test_zip_bomb(self):
        big = SHEET_HEAD + " " * (100 * 1024 * 1024) + "</sheetData></worksheet>"
        p = self.write("bad.xlsx", minimal_book(big))
        self.assertLess(os.path.getsize(p), 1024 * 1024)
        self.refuse(p, "%s: error: xl/worksheets/sheet1.xml inflates to 104857733 bytes, more than the "
                    "limit of 67108864 bytes: this is not a form, perhaps a zip bomb\n" % p,
                    "%s: 错误: xl/worksheets/sheet1.xml 解压后有 104857733 字节，超过上限 "
                    "67108864 字节：这不是一张表格，可能是压缩炸弹\n" % p)

    def test_million_rows(self):
        rows = "".join('<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i)
                       for i in range(1, 1000001))
        p = self.write("bad.xlsx", minimal_book(SHEET_HEAD + rows + "</sheetData></worksheet>"))
        self.refuse(p, "%s: error: sheet “数据” has content in row 100001 (A100001): jxgen's forms have "
                    "at most 100000 rows\n" % p,
                    "%s: 错误: 工作表“数据”在第 100001 行（A100001）还有内容：jxgen 的表格"
                    "不超过 100000 行\n" % p)

    def test_malformed_xml(self):
        p = self.write("bad.xlsx", minimal_book(SHEET_HEAD + '<row r="1"><c r="A1"><v>1</c>'
                                                "</row></sheetData></worksheet>"))
        self.refuse(p, "%s:xl/worksheets/sheet1.xml:1:137: error: malformed XML (mismatched tag): the "
                    "workbook is damaged\n" % p,
                    "%s:xl/worksheets/sheet1.xml:1:137: 错误: XML 格式错误（mismatched tag）："
                    "工作簿已损坏\n" % p)

    def test_doctype(self):
        p = self.write("bad.xlsx", minimal_book(
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + SHEET_HEAD[21:] +
            "</sheetData></worksheet>"))
        self.refuse(p, "%s: error: xl/worksheets/sheet1.xml has a DOCTYPE declaration: the XML of a "
                    "workbook has none, so it is refused for safety\n" % p,
                    "%s: 错误: xl/worksheets/sheet1.xml 含有 DOCTYPE 声明：工作簿的 XML 不用它，"
                    "为安全起见拒绝读取\n" % p)

    def with_entry(self, name, entry, data=b"x"):
        with open(os.path.join(self.out, "changzhou.xlsx"), "rb") as f:
            src = f.read()
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(src)) as zi, zipfile.ZipFile(out, "w") as zo:
            for item in zi.infolist():
                zo.writestr(item, zi.read(item.filename))
            zo.writestr(entry, data)
        return self.write(name, out.getvalue())

    def test_macros(self):
        p = self.with_entry("bad.xlsm", "xl/vbaProject.bin")
        self.refuse(p, "%s: error: the workbook has macros (xl/vbaProject.bin): jxgen does not read "
                    "workbooks with macros (.xlsm); save it as “Excel Workbook (*.xlsx)” and import "
                    "that\n" % p,
                    "%s: 错误: 工作簿含有宏（xl/vbaProject.bin）：jxgen 不读带宏的工作簿（.xlsm）；"
                    "请另存为“Excel 工作簿（*.xlsx）”后再导入\n" % p)

    def test_external_links(self):
        p = self.with_entry("bad.xlsx", "xl/externalLinks/externalLink1.xml")
        self.refuse(p, "%s: error: the workbook links to other workbooks "
                    "(xl/externalLinks/externalLink1.xml): import reads only this workbook's values; "
                    "break the links in Excel or WPS (“Break Link”) and save it again\n" % p,
                    "%s: 错误: 工作簿链接了其他工作簿（xl/externalLinks/externalLink1.xml）："
                    "导入只读本工作簿的值；请在 Excel 或 WPS 中“断开链接”后再保存\n" % p)

    def test_renamed_sheet(self):
        def rename(wb):
            wb[FORM].title = "我的表"
        p = self.edited(rename)
        self.refuse(p, "%s: error: there is no sheet “项目绩效目标表”: it was renamed or deleted; import "
                    "finds the parts of the form by their sheet names: rename it back to "
                    "“项目绩效目标表”\n" % p,
                    "%s: 错误: 找不到工作表“项目绩效目标表”：它被改名或删除了；导入按工作表名"
                    "找到表格的各个部分，请把它改回“项目绩效目标表”\n" % p)

    def test_renamed_sheet_excel(self):
        # Excel also rewrites the formulas that refer to the sheet.
        def rename(wb):
            wb[FORM].title = "我的表"
            for row in wb["jxgen"].iter_rows():
                for c in row:
                    if isinstance(c.value, str) and c.value.startswith("=ROW("):
                        c.value = c.value.replace(FORM, "我的表")
        p = self.edited(rename)
        self.refuse(p, "%s:我的表: error: sheet “项目绩效目标表” was renamed to “我的表”: import finds the "
                    "parts of the form by their sheet names; rename it back to “项目绩效目标表”\n" % p,
                    "%s:我的表: 错误: 工作表“项目绩效目标表”被改名为“我的表”：导入按工作表名找到"
                    "表格的各个部分；请把它改回“项目绩效目标表”\n" % p)

    def test_row_in_fixed_part(self):
        def ins(wb):
            insert_row(wb, FORM, 13)
            wb[FORM]["H13"] = 100
        p = self.edited(ins)
        self.refuse(p, "%s:项目绩效目标表!H13: error: this row was inserted in a fixed part of the form: "
                    "rows can be inserted only in a list (indicators, projects and the like: "
                    "right-click a row of an entry, “Insert”); delete this row\n" % p,
                    "%s:项目绩效目标表!H13: 错误: 这一行插在表格的固定部分：只能在指标、项目等"
                    "列表里插入行（在某一条的行上右键“插入”）；请删除这一行\n" % p)

    def test_fixed_row_deleted(self):
        p = self.edited(lambda wb: delete_row(wb, FORM, 14))
        self.refuse(p, "%s:项目绩效目标表!A14: error: row 14 of a fixed part of the form was deleted: "
                    "only rows of a list (indicators, projects and the like) can be deleted; undo "
                    "the deletion\n" % p,
                    "%s:项目绩效目标表!A14: 错误: 表格固定部分的第 14 行被删除了：只有指标、项目"
                    "等列表里的行可以删除；请撤销删除\n" % p)

    def test_value_in_unused_cell(self):
        def put(wb):
            wb[FORM]["K12"] = "备注"
        p = self.edited(put)
        self.refuse(p, "%s:项目绩效目标表!K12: error: the form does not use this cell: “备注” written "
                    "here would appear in no output; write it into its column, or delete it\n" % p,
                    "%s:项目绩效目标表!K12: 错误: 表格没有用到这个单元格：填在这里的“备注”不会"
                    "出现在任何输出里；请把它填到对应的栏目中，或删掉\n" % p)

    def test_formula_without_cached_value(self):
        def put(wb):
            wb[FORM]["H13"] = "=400+100"
        p = self.edited(put)
        self.refuse(p, "%s:项目绩效目标表!H13: error: this cell is a formula (=400+100) whose result the "
                    "workbook does not hold: open the workbook in Excel or WPS and save it once, or "
                    "write the number\n" % p,
                    "%s:项目绩效目标表!H13: 错误: 这个单元格是公式（=400+100），但工作簿里没有"
                    "保存它的计算结果：请在 Excel 或 WPS 中打开并保存一次，或直接填写数值\n" % p)

    def test_inconsistent_amounts(self):
        # The form's arithmetic rules run on the imported filing; the
        # message names the cell, not a line of YAML.
        def put(wb):
            wb[FORM]["H13"] = 400
        p = self.edited(put)
        self.refuse(p, "%s:项目绩效目标表!H12: error: 小计 (fund.subtotal) 500万元 ≠ 一般公共预算资金 + "
                    "政府性基金 + 财政专户管理资金 + 国有资本金 = 400万元 (a difference of 100万元) "
                    "[fund-subtotal]\n" % p,
                    "%s:项目绩效目标表!H12: 错误: 小计 (fund.subtotal) 500万元 ≠ 一般公共预算资金 + "
                    "政府性基金 + 财政专户管理资金 + 国有资本金 = 400万元（相差 100万元） "
                    "[fund-subtotal]\n" % p)

    def test_build_does_not_replace_its_input(self):
        src = os.path.join(self.out, "changzhou.xlsx")
        with open(src, "rb") as f:
            before = f.read()
        r = jx("build", "--lang=en", src, "-o", self.out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("%s: error: the workbook would replace itself: build it into another "
                      "folder (-o)" % src, r.stdout + r.stderr)
        r = subprocess.run([JXGEN, "build", src, "-o", self.out], capture_output=True, text=True,
                           env=ZH_ENV)
        self.assertIn("%s: 错误: 工作簿会覆盖它自己：请输出到另一个文件夹（-o）" % src, r.stdout + r.stderr)
        with open(src, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_not_a_workbook(self):
        p = self.write("bad.xlsx", b"this is not a zip")
        self.refuse(p, "%s: error: not an Excel workbook (.xlsx): Not a zip archive\n" % p,
                    "%s: 错误: 不是 Excel 工作簿（.xlsx）：Not a zip archive\n" % p)

    def test_not_a_workbook_name(self):
        p = self.write("bad.pdf", b"%PDF-1.4\n")
        for lang, message in (("en", "jxgen: error: %s: import reads a workbook (.xlsx) or a table "
                                     "(.csv)\n" % p),
                              ("zh", "jxgen: 错误: %s: import 读取的是工作簿（.xlsx）或表格（.csv）\n" % p)):
            r = subprocess.run([JXGEN, "import", "--lang=" + lang, p], capture_output=True, text=True,
                               env=ZH_ENV)
            self.assertEqual((r.returncode, r.stderr), (2, message))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=1)
