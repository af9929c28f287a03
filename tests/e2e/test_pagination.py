#!/usr/bin/python3
"""Page layout, read from the trace device (every draw call as text): a row
taller than a page is split with its borders closed on both pages; header
rows repeat on every page a table continues on; merged group labels repeat;
no text is drawn outside the page body.

usage: test_pagination.py JXGEN SOURCE_DIR"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

JXGEN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])

TEXT = re.compile(r'^text "([^"]*)" ([\d.]+) x=([\d.-]+) y=([\d.-]+) (?:cs=-?[\d.]+ )?"(.*)"$')
RULE = re.compile(r"^rule ([\d.-]+),([\d.-]+)-([\d.-]+),([\d.-]+) w=([\d.]+)$")


def read_trace(path):
    pages = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("page "):
                pages.append({"texts": [], "rules": []})
            elif (m := TEXT.match(line)):
                pages[-1]["texts"].append((float(m.group(3)), float(m.group(4)), m.group(5)))
            elif (m := RULE.match(line)):
                pages[-1]["rules"].append(tuple(float(m.group(i)) for i in range(1, 5)))
    return pages


def render(filing_text, name):
    d = tempfile.mkdtemp(prefix="jx-page-")
    path = os.path.join(d, name + ".yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(filing_text)
    r = subprocess.run([JXGEN, "build", path, "--trace", "-o", d], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(r.stderr)
    return d, read_trace(os.path.join(d, name + ".trace"))


def changzhou():
    with open(os.path.join(SRC, "input", "changzhou.yaml"), encoding="utf-8") as f:
        return f.read()


class TallRow(unittest.TestCase):
    def test_row_taller_than_a_page_is_split_with_closed_borders(self):
        para = "园区将聚焦全市发展战略，进一步提高站位、明确重点、压实责任，高标准落实园区产业高质量发展各项任务。" * 6
        annual = " ".join("<p>%d、%s</p>" % (i, para) for i in range(1, 13))
        text = re.sub(r'(?m)^  annual: .*$', '  annual: "%s"' % annual, changzhou())
        d, pages = render(text, "tall")
        try:
            with_annual = [i for i, p in enumerate(pages)
                           if any("园区将聚焦全市发展战略" in t[2] for t in p["texts"])]
            self.assertGreaterEqual(len(with_annual), 2, "the tall row spans pages")
            for i in with_annual:
                p = pages[i]
                ys = [t[1] for t in p["texts"] if "园区将聚焦" in t[2] or "高质量发展" in t[2]]
                horizontal = [r for r in p["rules"] if abs(r[1] - r[3]) < 0.01]
                self.assertTrue(any(r[1] > max(ys) for r in horizontal), "closed below on page %d" % (i + 1))
                self.assertTrue(any(r[1] < min(ys) - 8 for r in horizontal), "closed above on page %d" % (i + 1))
                # Nothing is drawn below the bottom margin but the page number
                # (its digits are a run of their own, in the Latin face).
                number_y = {t[1] for t in p["texts"] if "—" in t[2]}
                body_texts = [t for t in p["texts"] if t[1] not in number_y]
                self.assertTrue(all(t[1] < 841.89 - 18 * 72 / 25.4 for t in body_texts))
        finally:
            shutil.rmtree(d)


class Headers(unittest.TestCase):
    def test_header_and_group_labels_repeat_on_continuation_pages(self):
        items = "\n".join("          - {name: \"第%d项服务指标\", half: \"≥%d%%\", full: \"≥%d%%\"}" % (i, i, i)
                          for i in range(1, 80))
        extra = ("  - level1: 附加指标\n    groups:\n      - level2: 长列表\n        items:\n" + items + "\n")
        d, pages = render(changzhou() + extra, "long")
        try:
            # "第12项服务指标": the digits are a run of their own (Latin face)
            pages_with_items = [p for p in pages if any("项服务指标" in t[2] for t in p["texts"])]
            self.assertGreaterEqual(len(pages_with_items), 2)
            for p in pages_with_items:
                texts = [t[2] for t in p["texts"]]
                self.assertIn("一级指标", texts)
                self.assertIn("附加指标", texts)
                self.assertIn("长列表", texts)
                first_item = min(t[1] for t in p["texts"] if "项服务指标" in t[2])
                header = [t[1] for t in p["texts"] if t[2] == "一级指标"][0]
                self.assertLess(header, first_item, "the header comes above the rows")
        finally:
            shutil.rmtree(d)

    def test_every_page_numbered(self):
        d, pages = render(changzhou(), "numbers")
        try:
            for i, p in enumerate(pages, 1):
                # the runs of the page number's line, in drawing order
                bottom = max(t[1] for t in p["texts"])
                line = "".join(t[2] for t in p["texts"] if t[1] == bottom)
                self.assertEqual(line.replace(" ", ""), "—%d—" % i)
        finally:
            shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
