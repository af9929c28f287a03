#!/usr/bin/python3
"""The layout language as layouts/README.md documents it: every key the
layout loader accepts is documented there; sides: (independent lists side by
side, merged on every side, the shorter stretched), numbering: styles, YAML
anchors in layouts, unknown keys answered with the valid ones.

usage: test_layout_language.py JXGEN SOURCE_DIR"""
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jxcheck  # noqa: E402
import openpyxl  # noqa: E402

JXGEN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])

LAYOUT = """\
region: lang
styles:
  body: {font: song, size: 10.5}
schema:
  region: {label: 地区, type: text}
  goals: {label: 目标, type: rich}
  left:
    label: 左
    type: list
    item: &entry
      group: {label: 分组, type: text}
      items: {label: 条目, type: list, item: {name: {label: 名称, type: text}}}
  middle: {label: 中, type: list, item: *entry}
  right: {label: 右, type: list, item: *entry}
sections:
  - sheet: 表
    blocks:
      - prose: goals
        style: body
        numbering: "（{cn}）"
      - table:
          columns: [1, 2, 1, 2, 1, 2]
          rows:
            - row: [{field: goals, colspan: 3, numbering: "{n}."},
                    {field: goals, colspan: 3, numbering: "目标{n}："}]
            - sides:
                - columns: 2
                  rows:
                    - each: left
                      rows: &group
                        - band: {field: group}
                          rows:
                            - each: items
                              rows: [{row: [{field: name}]}]
                - columns: 2
                  rows:
                    - each: middle
                      rows: *group
                - rows:
                    - each: right
                      rows: *group
"""

FILING = """\
region: lang
goals: "<ol><li>甲项</li><li>乙项</li><li>目标3：已编号</li></ol>"
left:
  - {group: 左一, items: [{name: L1}, {name: L2}, {name: L3}]}
  - {group: 左二, items: [{name: L4}]}
middle:
  - {group: 中一, items: [{name: M1}]}
  - {group: 中空, items: []}
right: []
"""


def loader_keys():
    """Every key of the key tables in gen/layout/jx_layout.c."""
    with open(os.path.join(SRC, "gen", "layout", "jx_layout.c"), encoding="utf-8") as f:
        code = f.read()
    keys = set()
    for table in re.findall(r"static const char \*const \w*keys\[\] = \{(.*?)\};", code, re.S):
        keys.update(re.findall(r'"([a-z_]+)"', table))
    return keys


class Language(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jx-lang-")
        os.mkdir(os.path.join(cls.tmp, "layouts"))
        with open(os.path.join(cls.tmp, "layouts", "lang.yaml"), "w", encoding="utf-8") as f:
            f.write(LAYOUT)
        cls.filing = os.path.join(cls.tmp, "lang.yaml")
        with open(cls.filing, "w", encoding="utf-8") as f:
            f.write(FILING)
        cls.out = os.path.join(cls.tmp, "out")
        cls.build = jxcheck.run([JXGEN, "build", cls.filing, "--layouts",
                                 os.path.join(cls.tmp, "layouts"), "-o", cls.out])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_every_loader_key_is_documented(self):
        keys = loader_keys()
        self.assertGreater(len(keys), 40)
        for must in ("sides", "numbering", "keep_with_next", "bookmark", "header"):
            self.assertIn(must, keys)
        with open(os.path.join(SRC, "layouts", "README.md"), encoding="utf-8") as f:
            readme = f.read()
        undocumented = sorted(k for k in keys
                              if not re.search(r"`%s`|`%s:|\b%s:" % (k, k, k), readme))
        self.assertEqual(undocumented, [], "keys the loader accepts but layouts/README.md "
                                           "does not document")

    def test_builds(self):
        self.assertEqual(self.build.returncode, 0, self.build.stderr)

    def test_numbering_styles(self):
        text, _ = jxcheck.pdf_text(os.path.join(self.out, "lang.pdf"))
        t = jxcheck.norm(text)
        for want in ("（一）甲项", "（二）乙项", "1.甲项", "2.乙项", "目标1：甲项", "目标2：乙项",
                     "目标3：已编号"):
            self.assertIn(want, t)
        self.assertNotIn("目标3：目标3：", t)
        self.assertNotIn("（三）目标3", t.replace("（三）目标3：已编号", "X"))

    def test_sides_of_different_lengths(self):
        ws = openpyxl.load_workbook(os.path.join(self.out, "lang.xlsx")).worksheets[0]
        spans = {}
        for rng in ws.merged_cells.ranges:
            spans[ws.cell(rng.min_row, rng.min_col).value] = (
                rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1, rng.min_col)
        self.assertEqual(spans["左一"], (3, 1, 1))           # left side: 4 rows
        self.assertNotIn("中一", spans)                     # one row: not merged
        self.assertEqual(spans["中空"], (3, 1, 3))           # empty group keeps its label,
        # stretched down to the left side's last row (1 + 3 = 4 rows)
        right = [c for c in ws.iter_rows(min_col=5, max_col=6) for c in c]
        self.assertTrue(all(c.value is None for c in right if c.row > 2))
        cells = [c.value for row in ws.iter_rows() for c in row if c.value]
        for v in ("L1", "L2", "L3", "L4", "M1", "左二"):
            self.assertIn(v, cells)

    def test_unknown_key_lists_the_valid_ones(self):
        bad = os.path.join(self.tmp, "badlayouts")
        os.makedirs(bad, exist_ok=True)
        with open(os.path.join(bad, "lang.yaml"), "w", encoding="utf-8") as f:
            f.write(LAYOUT.replace("numbering: \"{n}.\"", "numbring: \"{n}.\""))
        r = jxcheck.run([JXGEN, "check", "--layouts", bad, self.filing])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("unknown key 'numbring' in a cell (did you mean 'numbering'?); valid keys: "
                      "text, field, colspan, rowspan, style, format, numbering", r.stderr)

    def test_anchors_only_in_layouts(self):
        # The layout above uses &entry/*entry and &group/*group; a filing may not.
        bad = os.path.join(self.tmp, "anchored.yaml")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(FILING.replace("right: []", "right: &r []\nextra: *r"))
        r = jxcheck.run([JXGEN, "check", "--layouts", os.path.join(self.tmp, "layouts"), bad])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("not supported in filings", r.stderr)

    def test_alias_before_its_anchor_is_named(self):
        bad = os.path.join(self.tmp, "alias")
        os.makedirs(bad, exist_ok=True)
        with open(os.path.join(bad, "lang.yaml"), "w", encoding="utf-8") as f:
            f.write(LAYOUT.replace("item: &entry", "item: *later"))
        r = jxcheck.run([JXGEN, "check", "--layouts", bad, self.filing])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("alias *later names no anchor &later above it", r.stderr)
        r = jxcheck.run([JXGEN, "check", "--lang=zh", "--layouts", bad, self.filing])
        self.assertIn("别名 *later 上方没有名为 &later 的锚点（别名不能用在它自己所锚定的值里面）",
                      r.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
