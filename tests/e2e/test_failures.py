#!/usr/bin/python3
"""End to end: what goes wrong around a good filing never costs a file.

A full disk, a read-only output folder, a file size limit, a missing or
damaged font, and filing names that look like paths: each gets a clear
message naming the output (never a temporary file) and exit status 2 (1 for
nothing here: the filing itself is good), leaves no temporary file behind
and keeps the previous outputs byte for byte.

The full-disk and read-only cases need a small tmpfs: as root they mount it
in a private mount namespace (`unshare -m`), otherwise in a user namespace
(`unshare -rm`); where neither is allowed they are skipped, saying why.

usage: test_failures.py JXGEN SOURCE_DIR"""
import os
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jxcheck  # noqa: E402

JXGEN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
FILING = os.path.join(SRC, "input", "changzhou.yaml")
UMING = "/usr/share/fonts/truetype/arphic/uming.ttc"


def snapshot(folder):
    """Every file of a folder, name -> bytes."""
    out = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            out[name] = f.read()
    return out


def in_tmpfs(script, size_kb):
    """Runs `script` (sh) with $T a fresh tmpfs of size_kb KiB in a private
    mount namespace; the script's shell function `ro` remounts $T read-only.
    Returns the CompletedProcess, or None where no namespace can be made."""
    unshare = shutil.which("unshare")
    if not unshare:
        return None
    ns = [unshare, "-m"] if os.geteuid() == 0 else [unshare, "-rm"]
    probe = jxcheck.run(ns + ["sh", "-c", 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs '
                              '"$d" && umount "$d"; r=$?; rmdir "$d"; exit $r'])
    if probe.returncode != 0:
        return None
    mnt = tempfile.mkdtemp(prefix="jx-tmpfs-")
    body = ('T=%s; mount -t tmpfs -o size=%dk tmpfs "$T" || exit 99\n'
            'ro() { mount -o remount,ro "$T" || exit 98; }\n%s'
            % (shlex.quote(mnt), size_kb, script))
    try:
        return jxcheck.run(ns + ["sh", "-c", body])
    finally:
        os.rmdir(mnt)


# What the in-namespace scripts print after jxgen ran: its status, then every
# file of the output folder with its checksum, so the test can compare.
REPORT = ('rc=$?; echo "rc=$rc"; cd "$T" && for f in .* *; do [ -f "$f" ] && '
          'echo "file $(cksum < "$f" | cut -d" " -f1) $f"; done; exit 0\n')


class FullDisk(unittest.TestCase):
    def setUp(self):
        self.prev = tempfile.mkdtemp(prefix="jx-prev-")
        r = jxcheck.run([JXGEN, "build", FILING, "-o", self.prev])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.sums = {}
        for name in ("changzhou.pdf", "changzhou.xlsx"):
            c = jxcheck.run(["sh", "-c", "cksum < " + shlex.quote(os.path.join(self.prev, name))])
            self.sums[name] = c.stdout.split()[0]

    def tearDown(self):
        shutil.rmtree(self.prev, ignore_errors=True)

    def files_reported(self, stdout):
        return {l.split(" ", 2)[2]: l.split(" ", 2)[1] for l in stdout.splitlines()
                if l.startswith("file ")}

    def test_full_disk_keeps_the_previous_outputs(self):
        # Room for the previous outputs and half a PDF more: the new PDF cannot fit.
        sizes = {n: os.path.getsize(os.path.join(self.prev, n)) for n in self.sums}
        size_kb = (sum(sizes.values()) + sizes["changzhou.pdf"] // 2) // 1024 + 8
        r = in_tmpfs('cp %s/changzhou.pdf %s/changzhou.xlsx "$T"/ || exit 97\n'
                     '%s build %s -o "$T"; ' % (
                         shlex.quote(self.prev), shlex.quote(self.prev), shlex.quote(JXGEN),
                         shlex.quote(FILING)) + REPORT, size_kb)
        if r is None:
            self.skipTest("no mount namespace for a small tmpfs here (unshare -m / -rm refused)")
        self.assertIn("rc=2", r.stdout, r.stderr)
        out = "/changzhou.pdf: error: cannot write "
        self.assertIn(out, r.stderr)
        self.assertIn("No space left on device", r.stderr)
        self.assertRegex(r.stderr, r"note: \S+/changzhou\.pdf was not replaced: the previous one is kept")
        self.assertRegex(r.stderr, r"note: \S+/changzhou\.xlsx was not replaced: the previous one is kept")
        self.assertNotIn(".new.", r.stderr, "messages name the outputs, not temporary files")
        self.assertNotIn(".tmp", r.stderr)
        files = self.files_reported(r.stdout)
        leftovers = [n for n in files if n not in self.sums and n != ".jxgen-record"]
        self.assertEqual(leftovers, [], "no temporary file is left behind")
        for name, want in self.sums.items():
            self.assertEqual(files.get(name), want, name + " is the previous one, byte for byte")

    def test_read_only_output_folder(self):
        r = in_tmpfs('cp %s/changzhou.pdf %s/changzhou.xlsx "$T"/ || exit 97\nro\n'
                     '%s build %s -o "$T"; ' % (
                         shlex.quote(self.prev), shlex.quote(self.prev), shlex.quote(JXGEN),
                         shlex.quote(FILING)) + REPORT, 1024)
        if r is None:
            self.skipTest("no mount namespace for a small tmpfs here (unshare -m / -rm refused)")
        self.assertIn("rc=2", r.stdout, r.stderr)
        # Reported once, before any filing is tried (issue 14).
        self.assertRegex(r.stderr, r"^\S+: error: cannot write into the output folder: "
                                   r"Read-only file system\n$")
        files = self.files_reported(r.stdout)
        self.assertEqual(files, self.sums)

    def test_file_size_limit(self):
        # Works without any privilege: RLIMIT_FSIZE makes the writes fail
        # (EFBIG) as a quota would; SIGXFSZ is ignored so jxgen sees the error.
        out = tempfile.mkdtemp(prefix="jx-fsize-")
        try:
            for name in self.sums:
                shutil.copy(os.path.join(self.prev, name), out)
            before = snapshot(out)

            def limit():
                import resource
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))

            r = subprocess.run([JXGEN, "build", FILING, "-o", out], capture_output=True,
                               text=True, preexec_fn=limit)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertRegex(r.stderr, r"/changzhou\.(pdf|xlsx): error: .*File too large")
            self.assertNotIn(".new.", r.stderr)
            after = snapshot(out)
            after.pop(".jxgen-record", None)
            self.assertEqual(after, before)
        finally:
            shutil.rmtree(out)


class OutputNames(unittest.TestCase):
    def test_filing_names_that_look_like_paths_or_options_stay_in_the_output_folder(self):
        d = tempfile.mkdtemp(prefix="jx-names-")
        try:
            src = os.path.join(d, "in")
            out = os.path.join(d, "out")
            os.makedirs(src)
            for name in ("..yaml", "-o.yaml", "..json"):
                shutil.copy(FILING, os.path.join(src, name))
            for name in ("..yaml", "-o.yaml"):
                r = jxcheck.run([JXGEN, "build", os.path.join(src, name), "-o", out])
                self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(sorted(os.listdir(d)), ["in", "out"], "nothing outside the folders")
            self.assertEqual(sorted(os.listdir(out)),
                             ["-o.pdf", "-o.xlsx", "..pdf", "..xlsx", ".jxgen-record"])
        finally:
            shutil.rmtree(d)


def font_tables(path, index=0):
    """Table directory of face `index`: tag -> (offset, length)."""
    with open(path, "rb") as f:
        data = f.read(1 << 16)
    base = 0
    if data[:4] == b"ttcf":
        base = struct.unpack(">I", data[12 + 4 * index:16 + 4 * index])[0]
    n = struct.unpack(">H", data[base + 4:base + 6])[0]
    out = {}
    for i in range(n):
        tag, _, off, length = struct.unpack(">4sIII", data[base + 12 + 16 * i:base + 28 + 16 * i])
        out[tag.decode("latin-1")] = (off, length)
    return out


class Fonts(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="jx-fonts-")
        self.fonts = os.path.join(self.dir, "fonts")
        os.makedirs(self.fonts)
        shutil.copy(os.path.join(SRC, "fonts", "fonts.yaml"), self.fonts)
        self.out = os.path.join(self.dir, "out")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def build(self, *extra):
        return jxcheck.run([JXGEN, "build", FILING, "-o", self.out, "--fonts", self.fonts, *extra])

    def assert_rendered_with_the_defaults(self, r):
        self.assertEqual(r.returncode, 0, r.stderr)
        rows, _ = jxcheck.pdf_fonts(os.path.join(self.out, "changzhou.pdf"))
        names = sorted(row[0].split("+", 1)[1] for row in rows)
        # the CJK defaults, and the companion Latin faces for digits/Latin
        self.assertEqual(names, ["LiberationSans", "LiberationSerif", "UMingCN",
                                 "WenQuanYiZenHei"])
        text, _ = jxcheck.pdf_text(os.path.join(self.out, "changzhou.pdf"))
        self.assertIn("区级预算绩效管理项目绩效目标表", jxcheck.norm(text))

    def test_a_file_that_is_not_a_font_is_skipped_with_a_warning(self):
        with open(os.path.join(self.fonts, "simsun.ttc"), "wb") as f:
            f.write(b"PK\x03\x04 this is a zip file, not a font" * 100)
        r = self.build()
        self.assertRegex(r.stderr, r"fonts\.yaml:\d+:\d+: warning: '\S+/simsun\.ttc' is not a "
                                   r"TrueType font file .*\(skipped for role song\) \[font-skipped\]")
        self.assert_rendered_with_the_defaults(r)

    def test_a_truncated_font_is_skipped_with_a_warning(self):
        with open(UMING, "rb") as f:
            head = f.read(300000)
        with open(os.path.join(self.fonts, "simsun.ttc"), "wb") as f:
            f.write(head)
        r = self.build()
        self.assertRegex(r.stderr, r"warning: font '\S+/simsun\.ttc' \(face 0\) is damaged: table "
                                   r"'[^']+': the table runs past the end of the file")
        self.assert_rendered_with_the_defaults(r)

    def test_a_damaged_font_is_skipped_not_drawn_with_wrong_glyphs(self):
        # A copy of AR PL UMing with bytes of its metrics (hmtx) and its cmap
        # overwritten: FreeType and HarfBuzz load it without complaint and
        # would draw characters at wrong widths; the table checksums tell.
        copy = os.path.join(self.fonts, "simsun.ttc")
        shutil.copy(UMING, copy)
        tables = font_tables(UMING)
        with open(copy, "r+b") as f:
            off, length = tables["hmtx"]
            f.seek(off + length // 2)
            f.write(b"\x7f\xff" * 64)
        r = self.build()
        self.assertRegex(r.stderr, r"warning: font '\S+/simsun\.ttc' \(face 0\) is damaged: table "
                                   r"'hmtx': the table does not match its checksum .*install the "
                                   r"font again \(skipped for role song\) \[font-skipped\]")
        self.assert_rendered_with_the_defaults(r)
        # the clerk's language: the reason too, not only the frame around it
        r = self.build("--lang=zh", "--force")
        self.assertIn("（字面 0）已损坏: 表 'hmtx': 表与其校验和不符（文件已损坏？）；请重新安装该字体",
                      r.stderr)
        self.assertNotRegex(r.stderr, r"[A-Za-z]{4,} (?:the|does|not) ")

    def test_no_usable_font_is_an_error_naming_the_role_and_the_package(self):
        with open(os.path.join(self.fonts, "fonts.yaml"), "w", encoding="utf-8") as f:
            f.write("roles:\n  song:\n    - {file: /nonexistent/a.ttf}\n"
                    "  hei:\n    - {file: missing.ttf}\n")
        r = self.build()
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("error: no usable font for the body-text role 'song': install "
                      "fonts-arphic-uming", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "changzhou.pdf")))

    def test_missing_or_malformed_font_roles(self):
        os.remove(os.path.join(self.fonts, "fonts.yaml"))
        r = self.build()
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertRegex(r.stderr, r"fonts\.yaml: error: cannot open: No such file or directory")
        with open(os.path.join(self.fonts, "fonts.yaml"), "w", encoding="utf-8") as f:
            f.write("roles: [\n")
        r = self.build()
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertRegex(r.stderr, r"fonts\.yaml:\d+:\d+: error: malformed YAML/JSON")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
