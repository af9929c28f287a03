#!/usr/bin/python3
"""End to end: batch builds.  Shared files (include: / $ref) feed several
filings and messages point into them; `jxgen build` renders exactly what
changed (a revision to a shared amount re-renders the filings that include
it and no other; an unchanged rebuild renders nothing; --force renders all);
outputs are byte-identical whatever -j is; progress is plain lines without a
terminal and one updating line on one.

Fixtures: tests/data/revision/ (layouts/, v1/ and its revision v2/, which
changes one amount of budget.yaml).

usage: test_batch.py JXGEN SOURCE_DIR"""
import filecmp
import glob
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jxcheck  # noqa: E402

JXGEN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
REV = os.path.join(SRC, "tests", "data", "revision")
LAYOUTS = os.path.join(REV, "layouts")
RECORD = ".jxgen-record"
SUMMARY = re.compile(r"^jxgen: (\d+) rendered, (\d+) unchanged, (\d+) failed(?:, (\d+) shared)? in ",
                     re.M)


def run(args, **kw):
    return jxcheck.run([JXGEN] + args, **kw)


def rendered(result):
    """The filings a build rendered, from its plain `FILING -> OUT` lines."""
    return sorted(os.path.basename(l.split(" -> ")[0]) for l in result.stdout.splitlines()
                  if " -> " in l)


def summary(result):
    m = SUMMARY.search(result.stderr)
    if not m:
        raise AssertionError("no summary line in:\n" + result.stderr)
    return tuple(int(g or 0) for g in m.groups())


def stamp(path):
    st = os.stat(path)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class Workspace(unittest.TestCase):
    """A copy of tests/data/revision/v1 (and its layouts) in a temporary folder."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jx-batch-")
        self.src = os.path.join(self.tmp, "filings")
        self.layouts = os.path.join(self.tmp, "layouts")
        self.out = os.path.join(self.tmp, "out")
        shutil.copytree(os.path.join(REV, "v1"), self.src)
        shutil.copytree(LAYOUTS, self.layouts)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def build(self, *extra, env=None):
        e = dict(os.environ)
        e.update(env or {})
        return run(["build", self.src, "-o", self.out, "--layouts", self.layouts] + list(extra),
                   env=e)

    def outputs(self, name):
        return [os.path.join(self.out, name + ext) for ext in (".pdf", ".xlsx")]


class Regeneration(Workspace):
    def test_first_build_renders_every_filing_and_skips_the_shared_file(self):
        r = self.build()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(rendered(r), ["dept.yaml", "p01.yaml", "p02.yaml", "solo.yaml"])
        self.assertEqual(summary(r), (4, 0, 0, 1))
        self.assertFalse(os.path.exists(os.path.join(self.out, "budget.pdf")))
        self.assertTrue(os.path.exists(os.path.join(self.out, RECORD)))
        hidden = [n for n in os.listdir(self.out) if n.startswith(".") and n != RECORD]
        self.assertEqual(hidden, [], "temporary files left behind")

    def test_unchanged_rebuild_renders_nothing(self):
        self.assertEqual(self.build().returncode, 0)
        before = {n: stamp(os.path.join(self.out, n)) for n in os.listdir(self.out)
                  if n != RECORD}
        r = self.build()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(rendered(r), [])
        self.assertEqual(summary(r), (0, 4, 0, 1))
        after = {n: stamp(os.path.join(self.out, n)) for n in os.listdir(self.out)
                 if n != RECORD}
        self.assertEqual(before, after)

    def test_force_renders_everything(self):
        self.assertEqual(self.build().returncode, 0)
        r = self.build("--force")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(rendered(r), ["dept.yaml", "p01.yaml", "p02.yaml", "solo.yaml"])
        self.assertEqual(summary(r), (4, 0, 0, 1))

    def test_revision_of_a_shared_amount_rerenders_exactly_its_includers(self):
        self.assertEqual(self.build().returncode, 0)
        solo = [stamp(p) for p in self.outputs("solo")]
        with open(os.path.join(self.out, "p02.pdf"), "rb") as f:
            old_p02 = f.read()
        shutil.copy(os.path.join(REV, "v2", "budget.yaml"), os.path.join(self.src, "budget.yaml"))
        r = self.build()
        self.assertEqual(r.returncode, 0, r.stderr)
        # dept, p01 and p02 include budget.yaml; solo includes nothing.
        self.assertEqual(rendered(r), ["dept.yaml", "p01.yaml", "p02.yaml"])
        self.assertEqual(summary(r), (3, 1, 0, 1))
        self.assertEqual([stamp(p) for p in self.outputs("solo")], solo)
        # The new amount reached both tables that show it.
        p02, _ = jxcheck.pdf_text(os.path.join(self.out, "p02.pdf"))
        self.assertIn("95.50", p02)
        dept, _ = jxcheck.pdf_text(os.path.join(self.out, "dept.pdf"))
        self.assertIn("95.50", dept)
        self.assertIn("481.50", dept)  # 项目支出, derived from the project list
        with open(os.path.join(self.out, "p02.pdf"), "rb") as f:
            self.assertNotEqual(f.read(), old_p02)
        # And nothing more to do.
        self.assertEqual(rendered(self.build()), [])

    def test_layout_change_rerenders_the_filings_of_that_layout(self):
        self.assertEqual(self.build().returncode, 0)
        with open(os.path.join(self.layouts, "revproject.yaml"), "a", encoding="utf-8") as f:
            f.write("# a comment changes the layout's bytes\n")
        r = self.build()
        self.assertEqual(rendered(r), ["p01.yaml", "p02.yaml", "solo.yaml"])

    def test_own_bytes_missing_output_and_environment(self):
        self.assertEqual(self.build().returncode, 0)
        with open(os.path.join(self.src, "solo.yaml"), "a", encoding="utf-8") as f:
            f.write("# touched\n")
        self.assertEqual(rendered(self.build()), ["solo.yaml"])
        os.unlink(os.path.join(self.out, "p01.xlsx"))
        self.assertEqual(rendered(self.build()), ["p01.yaml"])
        r = self.build(env={"SOURCE_DATE_EPOCH": "1700000000"})
        self.assertEqual(summary(r)[:3], (4, 0, 0))
        self.assertEqual(rendered(self.build("--strict", env={"SOURCE_DATE_EPOCH": "1700000000"})),
                         ["dept.yaml", "p01.yaml", "p02.yaml", "solo.yaml"])

    def test_a_failed_filing_is_tried_again(self):
        self.assertEqual(self.build().returncode, 0)
        with open(os.path.join(self.src, "solo.yaml"), "a", encoding="utf-8") as f:
            f.write("fund_totl: 1\n")
        for _ in range(2):
            r = self.build()
            self.assertEqual(r.returncode, 1)
            self.assertEqual(summary(r), (0, 3, 1, 1))
            self.assertRegex(r.stderr, r"solo\.yaml:\d+:1: error: unknown field fund_totl")
            self.assertRegex(r.stderr, r"\n  failed: .*solo\.yaml:\d+:1: error: unknown field fund_totl")
            self.assertTrue(all(os.path.exists(p) for p in self.outputs("solo")))

    def test_damaged_record_means_rebuild(self):
        self.assertEqual(self.build().returncode, 0)
        with open(os.path.join(self.out, RECORD), "w") as f:
            f.write("not a record\n")
        self.assertEqual(summary(self.build())[:2], (4, 0))


class SharedValues(Workspace):
    def test_messages_about_shared_values_point_into_the_shared_file(self):
        budget = os.path.join(self.src, "budget.yaml")
        with open(budget, encoding="utf-8") as f:
            text = f.read()
        with open(budget, "w", encoding="utf-8") as f:
            f.write(text.replace("amount: 80}", "amount: 8o}"))
        line = [i + 1 for i, l in enumerate(text.splitlines()) if "amount: 80}" in l][0]
        r = self.build("-j", "2")
        self.assertEqual(r.returncode, 1)
        hits = re.findall(r"^\S*budget\.yaml:%d:\d+: error: 「([^」]+)」" % line, r.stderr, re.M)
        # dept's project list and p02's 资金总额 show the amount; p01 does not.
        self.assertEqual(sorted(hits), ["全年预算数", "资金总额"])
        self.assertEqual(summary(r), (2, 0, 2, 1))

    def test_check_skips_shared_files(self):
        r = run(["check", self.src, "--layouts", self.layouts])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")

    def test_bad_refs_are_reported_at_the_ref(self):
        bad = os.path.join(self.src, "bad.yaml")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("region: revproject\n"
                    "include: budget.yaml\n"
                    "year: {$ref: yaer}\n"
                    "project: {name: {$ref: \"projects[P09].name\"}, unit: {$ref: unit.x}}\n")
        r = run(["check", bad, "--layouts", self.layouts])
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad.yaml:3:14: error: $ref: 'yaer' is not defined in the included files",
                      r.stderr)
        self.assertIn("bad.yaml:4:24: error: $ref: in the list projects, no entry has id or name "
                      "P09", r.stderr)
        self.assertIn("bad.yaml:4:60: error: $ref: unit is a value and has no 'x'", r.stderr)

    def test_include_errors(self):
        cases = {
            "include: nothere.yaml\n": r"x\.yaml:2:10: error: cannot read the included file .*nothere\.yaml",
            "include: [budget.yaml, budget.yaml]\n": r"x\.yaml:2:24: error: budget\.yaml is included twice",
            "year: {$ref: year}\n": r"x\.yaml:2:14: error: \$ref year needs include:",
            "include: budget.yaml\nyear: {$ref: year, $bogus: 1}\n":
                r"x\.yaml:3:20: error: unknown directive '\$bogus'",
        }
        for body, want in cases.items():
            with self.subTest(body=body):
                path = os.path.join(self.src, "x.yaml")
                with open(path, "w", encoding="utf-8") as f:
                    f.write("region: revproject\n" + body)
                r = run(["check", path, "--layouts", self.layouts])
                self.assertEqual(r.returncode, 1)
                self.assertRegex(r.stderr, want)
        with open(os.path.join(self.src, "nested.yaml"), "w", encoding="utf-8") as f:
            f.write("include: budget.yaml\nx: 1\n")
        with open(os.path.join(self.src, "x.yaml"), "w", encoding="utf-8") as f:
            f.write("region: revproject\ninclude: nested.yaml\n")
        r = run(["check", os.path.join(self.src, "x.yaml"), "--layouts", self.layouts])
        self.assertRegex(r.stderr, r"nested\.yaml:1:1: error: an included file holds plain values")

    def test_an_included_filing_is_still_a_filing(self):
        """Only included files without region: are shared data."""
        with open(os.path.join(self.src, "solo-copy.yaml"), "w", encoding="utf-8") as f:
            f.write("region: revproject\ninclude: solo.yaml\nyear: {$ref: year}\n"
                    "project: {$ref: project, name: 人才项目（2025）副本}\nfund: {$ref: fund}\n")
        r = self.build()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("solo.yaml", rendered(r))
        self.assertIn("solo-copy.yaml", rendered(r))
        text, _ = jxcheck.pdf_text(os.path.join(self.out, "solo-copy.pdf"))
        self.assertIn("人才项目（2025）副本", text)
        self.assertIn("466.00", text)

    def test_shared_values_render_like_written_ones(self):
        """A filing that writes the values out renders the same bytes as one
        that takes them from the budget file."""
        written = os.path.join(self.tmp, "written")
        os.makedirs(written)
        with open(os.path.join(written, "p02.yaml"), "w", encoding="utf-8") as f:
            f.write("region: revproject\nyear: 2025年度\nproject:\n  name: 规划设计项目2025\n"
                    "  unit: 南京江北新区产业技术研创园管理办公室（本级）\nfund:\n  total: 80\n"
                    "indicators:\n  - {name: 规划成果验收合格率, value: 100%}\n")
        a, b = os.path.join(self.tmp, "a"), os.path.join(self.tmp, "b")
        for src, out in ((os.path.join(self.src, "p02.yaml"), a),
                         (os.path.join(written, "p02.yaml"), b)):
            r = run(["build", src, "-o", out, "--layouts", self.layouts])
            self.assertEqual(r.returncode, 0, r.stderr)
        for ext in ("pdf", "xlsx"):
            self.assertTrue(filecmp.cmp(os.path.join(a, "p02." + ext), os.path.join(b, "p02." + ext),
                                        shallow=False), ext)


class Parallel(unittest.TestCase):
    def build_all(self, out, jobs):
        """The five samples and the revision fixtures, with `jobs` workers."""
        r1 = run(["build", os.path.join(SRC, "input"), "-o", out, "-j", str(jobs)])
        r2 = run(["build", os.path.join(REV, "v1"), "-o", out, "--layouts", LAYOUTS,
                  "-j%d" % jobs])
        self.assertEqual(r1.returncode, 0, r1.stderr)
        self.assertEqual(r2.returncode, 0, r2.stderr)

    def test_outputs_identical_whatever_jobs_and_run(self):
        dirs = [tempfile.mkdtemp(prefix="jx-j") for _ in range(3)]
        try:
            self.build_all(dirs[0], 1)
            self.build_all(dirs[1], 2)
            self.build_all(dirs[2], 2)
            names = sorted(n for n in os.listdir(dirs[0]) if n != RECORD)
            self.assertGreaterEqual(len(names), 2 * 8)
            for d in dirs[1:]:
                self.assertEqual(sorted(n for n in os.listdir(d) if n != RECORD), names)
                match, mismatch, errors = filecmp.cmpfiles(dirs[0], d, names, shallow=False)
                self.assertEqual((mismatch, errors), ([], []))
        finally:
            for d in dirs:
                shutil.rmtree(d, ignore_errors=True)

    def test_failures_in_workers_are_reported_with_positions(self):
        d = tempfile.mkdtemp(prefix="jx-jf-")
        try:
            for f in glob.glob(os.path.join(SRC, "input", "*.yaml")):
                shutil.copy(f, d)
            shutil.copytree(os.path.join(SRC, "input", "budgets"), os.path.join(d, "budgets"))
            with open(os.path.join(d, "bad.yaml"), "w", encoding="utf-8") as f:
                f.write("region: nowhere\n")
            r = run(["build", d, "-o", os.path.join(d, "out"), "-j", "3"])
            self.assertEqual(r.returncode, 1)
            self.assertIn("bad.yaml:1:9: error: unknown region 'nowhere'", r.stderr)
            n = len(glob.glob(os.path.join(SRC, "input", "*.yaml")))
            # budgets/ is searched too: its file is shared data (included).
            self.assertEqual(summary(r), (n, 0, 1, 1))
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_long_batch_replaces_its_workers(self):
        """More filings than a worker renders before it is replaced (64):
        every one is rendered, and the bytes do not depend on -j."""
        d = tempfile.mkdtemp(prefix="jx-long-")
        try:
            with open(os.path.join(REV, "v1", "solo.yaml"), encoding="utf-8") as f:
                text = f.read()
            src = os.path.join(d, "in")
            os.makedirs(src)
            for i in range(70):
                with open(os.path.join(src, "f%02d.yaml" % i), "w", encoding="utf-8") as f:
                    f.write(text.replace("total: 466", "total: %d" % (400 + i)))
            outs = []
            for jobs in (1, 2):
                out = os.path.join(d, "out%d" % jobs)
                r = run(["build", src, "-o", out, "--layouts", LAYOUTS, "-j", str(jobs)])
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(summary(r), (70, 0, 0, 0))
                outs.append(out)
            names = sorted(n for n in os.listdir(outs[0]) if n != RECORD)
            self.assertEqual(len(names), 140)
            match, mismatch, errors = filecmp.cmpfiles(outs[0], outs[1], names, shallow=False)
            self.assertEqual((mismatch, errors), ([], []))
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_jobs_option_is_checked(self):
        for bad in (["-j", "0"], ["-jx"], ["--jobs=-1"]):
            self.assertEqual(run(["build"] + bad).returncode, 2, bad)


class Reporting(Workspace):
    def test_plain_lines_without_a_terminal(self):
        r = self.build()
        for stream in (r.stdout, r.stderr):
            self.assertNotIn("\r", stream)
            self.assertNotIn("\x1b", stream)
        for line in r.stdout.splitlines():
            self.assertRegex(line, r"^\S+\.yaml -> \S+$")
        self.assertRegex(r.stderr, SUMMARY)

    def test_json_summary(self):
        self.assertEqual(self.build().returncode, 0)
        r = self.build("--format=json")
        s = json.loads(r.stderr.strip().splitlines()[-1])["summary"]
        self.assertEqual((s["rendered"], s["unchanged"], s["failed"], s["shared"]), (0, 4, 0, 1))

    def test_progress_line_on_a_terminal(self):
        master, slave = pty.openpty()
        p = subprocess.Popen([JXGEN, "build", self.src, "-o", self.out, "--layouts", self.layouts,
                              "-j", "2"], stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        data = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        p.wait()
        os.close(master)
        err = data.decode("utf-8", "replace")
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("\r\x1b[K[", err)
        self.assertRegex(err, r"\[\s*4/4\] [\d.]+/s")
        self.assertRegex(err, r"jxgen: 4 rendered, 0 unchanged, 0 failed, 1 shared in ")
        # stdout is not a terminal: it still gets the plain lines.
        self.assertEqual(len(p.stdout.read().splitlines()), 4)
        p.stdout.close()


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
