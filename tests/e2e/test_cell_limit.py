#!/usr/bin/python3
"""End to end: a filing text longer than an Excel cell holds (32,767
characters, counted as Excel counts them: UTF-16 code units, a line break
between paragraphs included).

- A text of exactly 32,767 characters (one paragraph, and two paragraphs
  joined by a line break) builds: the 数据 sheet's 值 read with
  python3-openpyxl is the whole text, and `jxgen import` gives the filing
  back value for value; a clerk's edit making it longer is refused by
  `jxgen import`, naming the sheet and cell.
- One character more (a CJK character, the line break between two
  paragraphs, or a character outside the BMP that Excel counts twice) is an
  error in `jxgen check` and `jxgen build` alike, naming the filing's file,
  line and column, the field's Chinese label and path, in English
  (LANGUAGE=en) and Chinese (--lang=zh); build writes nothing and keeps
  the previous outputs byte for byte.

usage: test_cell_limit.py JXGEN SOURCE_DIR"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import openpyxl
import yaml

JXGEN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1718409600", LANGUAGE="en")
LIMIT = 32767
LABEL = "实施可行性"  # changzhou's label of project.feasibility


def jx(*args):
    return subprocess.run([JXGEN] + list(args), capture_output=True, text=True, env=ENV)


def text_of(n, seed="园区运行经费保障，ok 2024。"):
    """n characters of mixed CJK, ASCII and punctuation."""
    return (seed * (n // len(seed) + 1))[:n]


class CellLimit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jx-cell-limit-")
        with open(os.path.join(SRC, "input", "changzhou.yaml"), encoding="utf-8") as f:
            cls.base = yaml.safe_load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def filing(self, name, feasibility=None, annual=None):
        """Writes changzhou's sample with the given texts; returns its path and
        the line of `feasibility:` / `annual:` (1-based) of the changed field."""
        d = yaml.safe_load(yaml.safe_dump(self.base))
        if feasibility is not None:
            d["project"]["feasibility"] = feasibility
        if annual is not None:
            d["goals"]["annual"] = annual
        path = os.path.join(self.tmp, name + ".yaml")
        text = yaml.safe_dump(d, allow_unicode=True, sort_keys=False, width=1 << 30)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        key = "  feasibility:" if feasibility is not None else "  annual:"
        line = next(i for i, s in enumerate(text.split("\n"), 1) if s.startswith(key))
        return path, d, line

    def data_values(self, xlsx):
        wb = openpyxl.load_workbook(xlsx)
        return {r[0]: r[3] for r in wb["数据"].iter_rows(min_row=2, values_only=True)}

    def round_trip(self, name, **fields):
        path, d, _ = self.filing(name, **fields)
        out = os.path.join(self.tmp, "out-" + name)
        r = jx("check", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = jx("build", path, "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        xlsx = os.path.join(out, name + ".xlsx")
        values = self.data_values(xlsx)
        back = os.path.join(self.tmp, name + "-back.yaml")
        r = jx("import", xlsx, "-o", back)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(back, encoding="utf-8") as f:
            self.assertEqual(yaml.safe_load(f), d)
        return values

    def test_at_limit_one_paragraph(self):
        t = text_of(LIMIT)
        values = self.round_trip("one", feasibility=t)
        self.assertEqual(len(values["project.feasibility"]), LIMIT)
        self.assertEqual(values["project.feasibility"], t)
        # A clerk's edit that makes it longer: import refuses it, naming the cell.
        xlsx = os.path.join(self.tmp, "out-one", "one.xlsx")
        wb = openpyxl.load_workbook(xlsx)
        row = next(r for r in wb["数据"].iter_rows(min_row=2, values_only=True)
                   if r[0] == "project.feasibility")
        sheet, cell = row[5], row[6]
        wb[sheet][cell].value += "补充"
        edited = os.path.join(self.tmp, "edited.xlsx")
        wb.save(edited)
        back = os.path.join(self.tmp, "edited.yaml")
        r = jx("import", edited, "-o", back)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("%s:%s!%s: error: %s (project.feasibility) is %d characters long"
                      % (edited, sheet, cell, LABEL, LIMIT + 2), r.stderr)
        self.assertFalse(os.path.exists(back))

    def test_at_limit_two_paragraphs(self):
        a, b = text_of(20000), text_of(LIMIT - 20000 - 1, "绩效目标：提升营商环境。")
        values = self.round_trip("two", annual="<p>%s</p> <p>%s</p>" % (a, b))
        self.assertEqual(values["goals.annual"], a + "\n" + b)

    def refused(self, name, count, **fields):
        """check and build refuse the filing with the message naming the field;
        build keeps the previous outputs."""
        path, _, line = self.filing(name, **fields)
        label, field = ((LABEL, "project.feasibility") if "feasibility" in fields
                        else (None, "goals.annual"))
        en = re.compile(r"^%s:%d:\d+: error: %s \(%s\) is %d characters long, more than the %d "
                        r"an Excel cell holds: the workbook cannot keep it whole; shorten it to "
                        r"at most %d characters$"
                        % (re.escape(path), line, re.escape(label) if label else r"\S+",
                           re.escape(field), count, LIMIT, LIMIT), re.M)
        zh = re.compile(r"^%s:%d:\d+: 错误: %s \(%s\) 有 %d 个字符，超过 Excel 单元格最多能容纳的 "
                        r"%d 个字符：工作簿无法完整保存它；请缩短到 %d 个字符以内$"
                        % (re.escape(path), line, re.escape(label) if label else r"\S+",
                           re.escape(field), count, LIMIT, LIMIT), re.M)
        r = jx("check", path)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, en)
        self.assertEqual(len(en.findall(r.stderr)), 1, r.stderr)  # once
        r = jx("--lang=zh", "check", path)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, zh)
        # build: nothing written, the previous outputs kept byte for byte
        out = os.path.join(self.tmp, "out-" + name)
        os.makedirs(out)
        old = {}
        for ext in ("pdf", "xlsx"):
            old[ext] = ("previous " + ext).encode()
            with open(os.path.join(out, name + "." + ext), "wb") as f:
                f.write(old[ext])
        for lang in ([], ["--lang=zh"]):
            r = jx(*lang, "build", path, "-o", out)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertRegex(r.stderr, zh if lang else en)
            self.assertEqual(sorted(os.listdir(out)),
                             [name + ".pdf", name + ".xlsx"])
            for ext in ("pdf", "xlsx"):
                with open(os.path.join(out, name + "." + ext), "rb") as f:
                    self.assertEqual(f.read(), old[ext])

    def test_one_over(self):
        self.refused("over", LIMIT + 1, feasibility=text_of(LIMIT + 1))

    def test_line_break_counts(self):
        a, b = text_of(20000), text_of(LIMIT - 20000)
        self.refused("para", LIMIT + 1, annual="<p>%s</p> <p>%s</p>" % (a, b))

    def test_outside_bmp_counts_two(self):
        self.refused("astral", LIMIT + 1, feasibility=text_of(LIMIT - 1) + "𠀀")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=1)
