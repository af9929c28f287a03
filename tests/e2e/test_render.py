#!/usr/bin/python3
"""End to end: every sample filing renders; the PDF and the workbook, read
back with independent readers, hold every cell of the official table in
order; fonts are embedded subsets with Unicode maps; no line breaks against
the Chinese rules; outputs are deterministic and written atomically.

usage: test_render.py JXGEN SOURCE_DIR"""
import filecmp
import glob
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jxcheck  # noqa: E402
import openpyxl  # noqa: E402

JXGEN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
# Every layout in layouts/ is a region; a new one is tested without editing this file.
REGIONS = jxcheck.regions(SRC)


def slurp(path, mode="r"):
    with open(path, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
        return f.read()


def region_of(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("region:"):
                return line.split(":", 1)[1].strip().strip('"')
    return None


class Samples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="jx-e2e-")
        cls.build = jxcheck.run([JXGEN, "build", os.path.join(SRC, "input"), "-o", cls.out])
        cls.filings = sorted(glob.glob(os.path.join(SRC, "input", "*.yaml")))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def outputs(self, filing):
        name = os.path.splitext(os.path.basename(filing))[0]
        return os.path.join(self.out, name + ".pdf"), os.path.join(self.out, name + ".xlsx")

    def test_build_succeeds(self):
        self.assertEqual(self.build.returncode, 0, self.build.stderr)
        self.assertNotIn("error", self.build.stderr)
        self.assertTrue(self.filings)

    def test_every_region_has_a_sample(self):
        have = {region_of(f) for f in self.filings}
        self.assertGreaterEqual(len(REGIONS), 7)
        for r in REGIONS:
            with self.subTest(region=r):
                self.assertIn(r, have, "add a sample filing input/%s.yaml (layouts/README.md)" % r)
                self.assertTrue(os.path.exists(os.path.join(SRC, "tests", "data", "expected", r + ".cells")),
                                "add tests/data/expected/%s.cells (layouts/README.md)" % r)

    def test_cells_of_the_official_table_in_order(self):
        for filing in self.filings:
            region = region_of(filing)
            pdf, xlsx = self.outputs(filing)
            with self.subTest(region=region):
                tokens = jxcheck.expected_cells(SRC, region)
                text, err = jxcheck.pdf_text(pdf)
                self.assertEqual(err, "", "pdftotext warned")
                missing = jxcheck.missing_in_order(tokens, jxcheck.norm(text))
                self.assertEqual(missing, [], "PDF lacks (in order)")
                shown = "".join(c[2] for c in jxcheck.xlsx_cells(xlsx))
                missing = jxcheck.missing_in_order(tokens, jxcheck.norm(shown))
                self.assertEqual(missing, [], "workbook lacks (in order)")

    def test_fonts_embedded_subset_unicode(self):
        for filing in self.filings:
            pdf, _ = self.outputs(filing)
            with self.subTest(pdf=os.path.basename(pdf)):
                rows, err = jxcheck.pdf_fonts(pdf)
                self.assertTrue(rows)
                for name, emb, sub, uni in rows:
                    self.assertEqual((emb, sub, uni), ("yes", "yes", "yes"), name)
                    self.assertRegex(name, r"^[A-Z]{6}\+")

    def test_no_line_breaking_violations(self):
        for filing in self.filings:
            pdf, _ = self.outputs(filing)
            with self.subTest(pdf=os.path.basename(pdf)):
                text, _ = jxcheck.pdf_text(pdf)
                self.assertEqual(jxcheck.kinsoku_violations(text), [])

    def test_changzhou_pdf_is_small(self):
        pdf, _ = self.outputs(os.path.join(SRC, "input", "changzhou.yaml"))
        self.assertLess(os.path.getsize(pdf), 150 * 1024)

    def test_changzhou_workbook_merges_and_numbers(self):
        import openpyxl
        _, xlsx = self.outputs(os.path.join(SRC, "input", "changzhou.yaml"))
        ws = openpyxl.load_workbook(xlsx).worksheets[0]
        merged = {str(r): r for r in ws.merged_cells.ranges}
        by_text = {}
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    by_text.setdefault(c.value, c)
        def span(text):
            c = by_text[text]
            for r in merged.values():
                if c.coordinate in r:
                    return r.max_row - r.min_row + 1
            return 1
        self.assertEqual(span("项目资金 (万元)"), 12)
        self.assertEqual(span("收入"), 10)
        self.assertEqual(span("支出"), 2)
        self.assertEqual(span("决策"), 6)
        self.assertEqual(span("过程"), 5)
        self.assertEqual(span("项目立项"), 2)
        numbers = [c for row in ws.iter_rows() for c in row
                   if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]
        self.assertIn(5000000, [c.value for c in numbers])
        self.assertIn(500, [c.value for c in numbers])
        self.assertTrue(all(isinstance(c.value, str) for c in ws[by_text["≥90%"].row]
                            if c.value is not None and c.column > 3))

    def test_pdf_pages_render_without_warnings(self):
        for filing in self.filings:
            pdf, _ = self.outputs(filing)
            with self.subTest(pdf=os.path.basename(pdf)):
                r = jxcheck.run(["pdftoppm", "-r", "20", "-png", pdf,
                                 os.path.join(self.out, "page")])
                self.assertEqual(r.returncode, 0)
                self.assertEqual(r.stderr, "")
                r = jxcheck.run(["pdfinfo", pdf])
                self.assertEqual(r.stderr, "")
                self.assertRegex(r.stdout, r"Title:\s+\S")


# Amounts each sample's workbook must hold as numbers, with the number format
# that shows them as the official table does.
NUMBERS = {
    "changzhou": [(500, "General"), (5000000, "General"), (2500000, "General")],
    "jiangbei": [(137760, "General"), (70823.39, "0.00"), (35319.26, "0.00"), (61000, "General")],
    "tangshan": [(2033, '0"万元"'), (230, '0"万元"'), (0.45, "0%"), (1, "0%")],
    "guangzhou": [(3343.64, "#,##0.00"), (80939.63, "#,##0.00"), (51922.73, "#,##0.00"), (52349, "#,##0.00")],
    "guanggu": [(429, '0.00;-0.00;"-"'), (568, '0.00;-0.00;"-"'), (1, '0%;-0%;"-"')],
}
# Merged ranges of the official grid, by the text of their top-left cell:
# text -> (rows, columns) it spans; and sheet names.
MERGES = {
    "jiangbei": {"部门整体资金（万元）": (None, 1), "财政拨款": (5, None)},
    "guangzhou": {"预算整体情况": (6, 1)},
    "guanggu": {"部门总体资金情况 (万元)": (8, 1), "收入构成": (3, 1), "支出构成": (3, 1)},
    "tangshan": {"预算规模及资金用途": (2, 1)},
}
SHEETS = {
    "tangshan": ["部门整体绩效目标", "孵化器房屋租赁费", "物业服务外包费", "零星修缮费", "机器人展示体验中心运营维护费"],
}


class Workbooks(unittest.TestCase):
    """Each sample workbook, opened with openpyxl: amounts are numbers with
    the template's format, text stays text, merges follow the template."""

    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="jx-wb-")
        r = jxcheck.run([JXGEN, "build", os.path.join(SRC, "input"), "-o", cls.out])
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def book(self, region):
        import openpyxl
        return openpyxl.load_workbook(os.path.join(self.out, region + ".xlsx"))

    def test_amounts_are_numbers_with_the_template_format(self):
        for region, wanted in NUMBERS.items():
            with self.subTest(region=region):
                cells = [(c.value, c.number_format) for ws in jxcheck.visible(self.book(region))
                         for row in ws.iter_rows() for c in row
                         if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]
                for value, fmt in wanted:
                    self.assertTrue(any(abs(v - value) < 1e-9 and f == fmt for v, f in cells),
                                    "%s as %s" % (value, fmt))

    def test_indicator_values_stay_text(self):
        for region in NUMBERS:
            with self.subTest(region=region):
                for ws in jxcheck.visible(self.book(region)):
                    for row in ws.iter_rows():
                        for c in row:
                            if c.data_type == "f":
                                # Only derived totals are formulas: sums of cells.
                                self.assertRegex(c.value, r"^=SUM\(", c.coordinate)
                            elif isinstance(c.value, str) and c.value[:1] in "=≥≤≧":
                                self.assertEqual(c.data_type, "s", c.coordinate)

    def test_merged_ranges_follow_the_template(self):
        for region, spans in MERGES.items():
            with self.subTest(region=region):
                wb = self.book(region)
                for text, (rows, cols) in spans.items():
                    found = None
                    for ws in jxcheck.visible(wb):
                        for rng in ws.merged_cells.ranges:
                            if ws.cell(rng.min_row, rng.min_col).value == text:
                                found = rng
                    self.assertIsNotNone(found, text)
                    if rows:
                        self.assertEqual(found.max_row - found.min_row + 1, rows, text)

    def test_sheet_names(self):
        for region, names in SHEETS.items():
            self.assertEqual([ws.title for ws in jxcheck.visible(self.book(region))][:len(names)], names)


def merged(ws):
    """{(column letter, text): [(rows, cols), ...]} of the merged ranges of a sheet."""
    out = {}
    for rng in ws.merged_cells.ranges:
        text = ws.cell(rng.min_row, rng.min_col).value
        key = (openpyxl.utils.get_column_letter(rng.min_col), text)
        out.setdefault(key, []).append((rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1))
    return out


class NationalForms(unittest.TestCase):
    """The two national forms of 财预〔2015〕88号: the 中期/年度 fund block, the
    总体目标 columns (numbered 目标1：…), and the indicator table merged on both
    sides — two independent lists side by side (sides:), the shorter one
    stretched, an empty group keeping its label row."""

    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="jx-national-")
        r = jxcheck.run([JXGEN, "build", os.path.join(SRC, "input", "national_project.yaml"),
                         os.path.join(SRC, "input", "national_dept.yaml"), "-o", cls.out])
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def sheet(self, name):
        return openpyxl.load_workbook(os.path.join(self.out, name + ".xlsx")).worksheets[0]

    def test_project_fund_block_and_goal_columns(self):
        m = merged(self.sheet("national_project"))
        self.assertEqual(m[("A", "项目资金（万元）")], [(3, 1)])
        self.assertEqual(m[("B", "中期资金总额：")], [(1, 2)])
        self.assertEqual(m[("E", "年度资金总额：")], [(1, 2)])
        self.assertEqual(m[("A", "总体目标")], [(2, 1)])
        self.assertEqual(m[("B", "中期目标（2026年－2028年）")], [(1, 4)])
        self.assertEqual(m[("F", "年度目标")], [(1, 3)])
        ws = self.sheet("national_project")
        goals = [c.value for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith("目标1：")]
        self.assertEqual(len(goals), 2)
        self.assertIn("目标3：健全", goals[0])
        self.assertNotIn("目标1：目标1：", goals[0])

    def test_template_fields_on_the_data_sheet(self):
        wb = openpyxl.load_workbook(os.path.join(self.out, "national_project.xlsx"))
        rows = {r[0]: r for r in wb["数据"].iter_rows(min_row=2, values_only=True)}
        self.assertEqual(rows["year"][1:5], ("年度", None, "2026", "模板"))  # the title's {year}
        self.assertEqual(rows["goals.mid_start"][3], "2026")
        self.assertEqual(rows["goals.mid_end"][3], "2028")
        ws = wb[rows["goals.mid_end"][5]]
        self.assertEqual(ws[rows["goals.mid_end"][6]].value, "中期目标（2026年－2028年）")
        self.assertNotIn("region", rows)

    def test_labels_with_punctuation_get_defined_names(self):
        wb = openpyxl.load_workbook(os.path.join(self.out, "national_project.xlsx"))
        names = {d.name: d for d in wb.defined_names.definedName} \
            if hasattr(wb.defined_names, "definedName") else dict(wb.defined_names.items())
        for name, value in (("中期其中财政拨款", 3600), ("年度其中财政拨款", 1280),
                            ("中期资金总额", None), ("年度其他资金", 150)):
            self.assertIn(name, names)
            (sheet, ref), = names[name].destinations
            cell = wb[sheet][ref.replace("$", "")].value
            if value is not None:
                self.assertEqual(cell, value, name)
            else:
                self.assertTrue(str(cell).startswith("=SUM("), name)

    def test_project_indicators_merged_on_both_sides(self):
        m = merged(self.sheet("national_project"))
        self.assertEqual(m[("B", "产出指标")], [(7, 1)])       # 3 + 2 + 1 + 1 中期 rows
        self.assertEqual(m[("C", "数量指标")], [(3, 1)])       # 中期 二级
        self.assertEqual(m[("F", "数量指标")], [(2, 1)])       # 年度 二级, its own list
        self.assertEqual(m[("F", "成本指标")], [(3, 1)])       # the shorter side stretched
        self.assertEqual(m[("F", "可持续影响指标")], [(2, 1)])
        ws = self.sheet("national_project")
        # 年度 经济效益指标 has no indicator yet: its label row stays, with empty cells.
        row = [r for r in ws.iter_rows() if r[5].value == "经济效益指标"]
        self.assertEqual(len(row), 1)
        self.assertEqual((row[0][6].value, row[0][7].value), (None, None))
        self.assertEqual(row[0][2].value, "经济效益指标")

    def test_dept_tasks_totals_and_indicators(self):
        ws = self.sheet("national_dept")
        m = merged(ws)
        self.assertEqual(m[("A", "年度主要任务")], [(7, 1)])
        self.assertEqual(m[("D", "预算金额（万元）")], [(1, 3)])
        self.assertEqual(m[("B", "任务名称")], [(2, 1)])
        self.assertEqual(m[("B", "产出指标")], [(7, 1)])
        self.assertEqual(m[("C", "数量指标")], [(3, 1)])
        total = [r for r in ws.iter_rows() if r[1].value == "金额合计"][0]
        self.assertEqual([str(c.value)[:5] for c in total[3:6]], ["=SUM("] * 3)


class Determinism(unittest.TestCase):
    def test_same_inputs_same_bytes(self):
        a, b = tempfile.mkdtemp(), tempfile.mkdtemp()
        try:
            f = os.path.join(SRC, "input", "changzhou.yaml")
            self.assertEqual(jxcheck.run([JXGEN, "build", f, "-o", a]).returncode, 0)
            self.assertEqual(jxcheck.run([JXGEN, "build", f, "-o", b]).returncode, 0)
            for ext in ("pdf", "xlsx"):
                self.assertTrue(filecmp.cmp(os.path.join(a, "changzhou." + ext),
                                            os.path.join(b, "changzhou." + ext), shallow=False), ext)
        finally:
            shutil.rmtree(a)
            shutil.rmtree(b)


class Atomicity(unittest.TestCase):
    def test_failed_filing_keeps_previous_outputs(self):
        d = tempfile.mkdtemp()
        try:
            good = os.path.join(d, "x.yaml")
            shutil.copy(os.path.join(SRC, "input", "changzhou.yaml"), good)
            out = os.path.join(d, "out")
            self.assertEqual(jxcheck.run([JXGEN, "build", good, "-o", out]).returncode, 0)
            before = {n: slurp(os.path.join(out, n), "rb") for n in os.listdir(out)}
            with open(good, "a", encoding="utf-8") as f:
                f.write("fund_totl: 1\n")
            r = jxcheck.run([JXGEN, "build", good, "-o", out])
            self.assertEqual(r.returncode, 1)
            self.assertRegex(r.stderr, r"x\.yaml:\d+:1: error: unknown field fund_totl")
            after = {n: slurp(os.path.join(out, n), "rb") for n in os.listdir(out)}
            self.assertEqual(before, after)
        finally:
            shutil.rmtree(d)

    def test_directory_build_renders_good_and_reports_bad(self):
        d = tempfile.mkdtemp()
        try:
            shutil.copy(os.path.join(SRC, "input", "changzhou.yaml"), os.path.join(d, "a.yaml"))
            with open(os.path.join(d, "b.yaml"), "w", encoding="utf-8") as f:
                f.write("region: nowhere\n")
            out = os.path.join(d, "out")
            r = jxcheck.run([JXGEN, "build", d, "-o", out])
            self.assertEqual(r.returncode, 1)
            self.assertIn("b.yaml:1:9: error: unknown region 'nowhere'", r.stderr)
            self.assertTrue(os.path.exists(os.path.join(out, "a.pdf")))
            self.assertFalse(os.path.exists(os.path.join(out, "b.pdf")))
            leftovers = [n for n in os.listdir(out) if ".new." in n or ".tmp" in n]
            self.assertEqual(leftovers, [], "no temporary file is left behind")
        finally:
            shutil.rmtree(d)


class CommandLine(unittest.TestCase):
    def test_help_version_usage(self):
        r = jxcheck.run([JXGEN, "--help"])
        self.assertEqual(r.returncode, 0)
        self.assertIn("jxgen build", r.stdout)
        r = jxcheck.run([JXGEN, "--version"])
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^jxgen \d+\.\d+\.\d+")
        self.assertEqual(jxcheck.run([JXGEN, "frobnicate"]).returncode, 2)
        self.assertEqual(jxcheck.run([JXGEN, "build", "--bogus"]).returncode, 2)
        self.assertEqual(jxcheck.run([JXGEN, "check"]).returncode, 2)
        self.assertEqual(jxcheck.run([JXGEN, "check", "/nonexistent.yaml"]).returncode, 2)

    def test_check_accepts_samples(self):
        r = jxcheck.run([JXGEN, "check", os.path.join(SRC, "input")])
        self.assertEqual(r.returncode, 0, r.stderr)


class SixthRegion(unittest.TestCase):
    """The worked example of layouts/README.md renders from data alone."""

    def test_readme_example_is_the_tested_one(self):
        import re
        readme = slurp(os.path.join(SRC, "layouts", "README.md"))
        blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
        layout = slurp(os.path.join(SRC, "tests", "data", "demo", "demo.yaml"))
        filing = slurp(os.path.join(SRC, "tests", "data", "demo", "filing.yaml"))
        self.assertIn(layout.split("\n", 1)[1], blocks)
        self.assertIn(filing, blocks)

    def test_demo_renders(self):
        d = tempfile.mkdtemp()
        try:
            demo = os.path.join(SRC, "tests", "data", "demo")
            r = jxcheck.run([JXGEN, "build", os.path.join(demo, "filing.yaml"),
                             "--layouts", demo, "-o", d])
            self.assertEqual(r.returncode, 0, r.stderr)
            text, _ = jxcheck.pdf_text(os.path.join(d, "filing.pdf"))
            t = jxcheck.norm(text)
            want = ["园区道路养护绩效目标表", "项目名称", "园区道路养护", "资金（万元）", "合计", "1,200.50",
                    "财政拨款", "1,200.50", "其他资金", "一级指标", "产出指标", "数量指标", "养护道路里程",
                    "≥12公里", "质量指标", "满意度指标", "企业满意度", "≥90%", "第1页共1页"]
            self.assertEqual(jxcheck.missing_in_order([jxcheck.norm(w) for w in want], t), [])
            import openpyxl
            ws = openpyxl.load_workbook(os.path.join(d, "filing.xlsx")).worksheets[0]
            values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
            self.assertIn(1200.5, values)
        finally:
            shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
