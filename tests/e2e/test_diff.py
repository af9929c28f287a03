#!/usr/bin/python3
"""End to end: `jxgen diff OLD NEW` on a known revision (tests/data/revision:
v2 raises project P02 from 80 to 95.5 万元 in the shared budget.yaml only).
The report names each changed field by its labels on the official table and
its path, old → new, where a shared value is written, and the totals that
follow; --format=json carries the same.

usage: test_diff.py JXGEN SOURCE_DIR"""
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jxcheck  # noqa: E402

JXGEN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
REV = os.path.join(SRC, "tests", "data", "revision")

EXPECTED_FOLDERS = """\
--- v1/dept.yaml
+++ v2/dept.yaml
  changed  项目支出明细[规划设计项目2025] › 全年预算数 (projects.1.amount): 80 → 95.5 万元  [v2/budget.yaml:8:41]
  totals that follow:
           部门整体资金 › 项目支出 (funds.projects_total): 466.00 → 481.50 万元
--- v1/p02.yaml
+++ v2/p02.yaml
  changed  项目资金 › 资金总额 (fund.total): 80 → 95.5 万元  [v2/budget.yaml:8:41]
2 changed, 2 unchanged, 0 added, 0 removed
"""


def diff(*args, cwd=REV):
    return jxcheck.run([JXGEN, "diff", "--layouts", os.path.join(REV, "layouts")] + list(args),
                       cwd=cwd)


class KnownRevision(unittest.TestCase):
    def test_folders_text(self):
        r = diff("v1", "v2")
        self.assertEqual(r.returncode, 1, r.stderr)  # changed, as diff(1)
        self.assertEqual(r.stderr, "")
        self.assertEqual(r.stdout, EXPECTED_FOLDERS)

    def test_one_filing(self):
        r = diff("v1/p02.yaml", "v2/p02.yaml")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, "--- v1/p02.yaml\n+++ v2/p02.yaml\n"
                         "  changed  项目资金 › 资金总额 (fund.total): 80 → 95.5 万元  "
                         "[v2/budget.yaml:8:41]\n")
        r = diff("v1/solo.yaml", "v2/solo.yaml")
        self.assertEqual(r.returncode, 0, r.stderr)  # unchanged
        self.assertEqual(r.stdout, "0 changed, 1 unchanged, 0 added, 0 removed\n")

    def test_json(self):
        r = diff("v1", "v2", "--format=json")
        self.assertEqual(r.returncode, 1, r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["summary"], {"filings": 4, "changed": 2, "unchanged": 2, "added": 0,
                                          "removed": 0, "failed": 0})
        by_new = {f["new"]: f for f in doc["filings"]}
        dept = by_new["v2/dept.yaml"]
        self.assertEqual(dept["status"], "changed")
        self.assertEqual(dept["changes"], [{
            "kind": "changed", "path": "projects.1.amount",
            "label": "项目支出明细[规划设计项目2025] › 全年预算数", "unit": "万元",
            "old": "80", "new": "95.5", "from": "v2/budget.yaml:8:41"}])
        self.assertEqual(dept["consequences"], [{
            "path": "funds.projects_total", "label": "部门整体资金 › 项目支出", "unit": "万元",
            "percent": False, "old": "466.00", "new": "481.50"}])
        self.assertEqual(by_new["v2/p01.yaml"]["status"], "unchanged")
        self.assertEqual(by_new["v2/p02.yaml"]["changes"][0]["path"], "fund.total")


class Edits(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jx-diff-")
        self.old = os.path.join(self.tmp, "old")
        self.new = os.path.join(self.tmp, "new")
        shutil.copytree(os.path.join(REV, "v1"), self.old)
        shutil.copytree(os.path.join(REV, "v1"), self.new)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def edit(self, name, old, new):
        path = os.path.join(self.new, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertIn(old, text)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))

    def test_same_amount_written_differently_is_no_change(self):
        self.edit("solo.yaml", "total: 466", "total: \"466.00\"")
        r = diff("old", "new", cwd=self.tmp)
        self.assertEqual(r.stdout, "0 changed, 4 unchanged, 0 added, 0 removed\n")

    def test_added_removed_entries_and_filings(self):
        self.edit("solo.yaml", "  - {name: 引进人才数量, value: ≥20人}\n",
                  "  - {name: 引进人才数量, value: ≥25人}\n  - {name: 人才满意度, value: ≥90%}\n")
        os.unlink(os.path.join(self.new, "p01.yaml"))
        shutil.copy(os.path.join(self.new, "solo.yaml"), os.path.join(self.new, "solo2.yaml"))
        r = diff("old", "new", cwd=self.tmp)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, (
            "--- old/p01.yaml\n+++ /dev/null\n  filing removed\n"
            "--- old/solo.yaml\n+++ new/solo.yaml\n"
            "  changed  绩效指标[引进人才数量] › 指标值 (indicators.0.value): ≥20人 → ≥25人\n"
            "  added    绩效指标[人才满意度] › 三级指标 (indicators.1.name): (empty) → 人才满意度\n"
            "  added    绩效指标[人才满意度] › 指标值 (indicators.1.value): (empty) → ≥90%\n"
            "--- /dev/null\n+++ new/solo2.yaml\n  new filing\n"
            "1 changed, 2 unchanged, 1 added, 1 removed\n"))

    def test_unreadable_version_is_reported(self):
        self.edit("p01.yaml", "year: {$ref: year}", "year: {$ref: yaer}")
        r = diff("old/p01.yaml", "new/p01.yaml", cwd=self.tmp)
        self.assertEqual(r.returncode, 2)  # trouble, as diff(1)
        self.assertIn("new/p01.yaml:3:14: error: $ref: 'yaer' is not defined", r.stderr)
        self.assertIn("not compared", r.stdout)

    def test_usage(self):
        self.assertEqual(jxcheck.run([JXGEN, "diff", "a.yaml"]).returncode, 2)
        r = diff("old", os.path.join("old", "solo.yaml"), cwd=self.tmp)
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
