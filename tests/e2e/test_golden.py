#!/usr/bin/python3
"""Layout regression: the trace of every draw call for each sample filing
equals its recorded golden file (tests/data/golden/), with the date and the
jxgen version scrubbed.  A difference means the layout changed: if it was
intended, run scripts/update-golden and review the diff.

usage: test_golden.py JXGEN SOURCE_DIR"""
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

JXGEN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])


def scrub(text):
    text = re.sub(r" date=\d+$", "", text, flags=re.M)
    return re.sub(r'creator="jxgen [^"]*"', 'creator="jxgen"', text)


class Golden(unittest.TestCase):
    def test_traces_match_golden(self):
        out = tempfile.mkdtemp(prefix="jx-golden-")
        try:
            r = subprocess.run([JXGEN, "build", os.path.join(SRC, "input"), "--trace",
                                "--fonts", os.path.join(SRC, "tests", "data", "fonts"), "-o", out],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            goldens = sorted(glob.glob(os.path.join(SRC, "tests", "data", "golden", "*.trace")))
            samples = glob.glob(os.path.join(SRC, "input", "*.yaml"))
            have = {os.path.basename(g)[:-len(".trace")] for g in goldens}
            lacking = sorted(os.path.basename(s)[:-len(".yaml")] for s in samples
                             if os.path.basename(s)[:-len(".yaml")] not in have)
            self.assertEqual(lacking, [], "no golden trace: run scripts/update-golden "
                                          "(layouts/README.md, 'Expected files')")
            self.assertEqual(len(goldens), len(samples))
            for g in goldens:
                name = os.path.basename(g)
                with self.subTest(trace=name):
                    with open(g, encoding="utf-8") as f:
                        want = f.read()
                    with open(os.path.join(out, name), encoding="utf-8") as f:
                        got = scrub(f.read())
                    if got != want:
                        diff = "".join(list(difflib.unified_diff(
                            want.splitlines(True), got.splitlines(True), "golden", "now"))[:40])
                        self.fail("%s differs from its golden file:\n%s" % (name, diff))
        finally:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
