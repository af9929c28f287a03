#!/usr/bin/python3
"""End to end, issue 14: what a clerk sees.  Every message is checked
exactly, in Chinese (the default: LANGUAGE/LC_ALL/LC_MESSAGES/LANG unset)
and in English (--lang=en): the command line (getopt_long), wrong regions
with suggestions and `jxgen regions`, files that are not filings, GB18030
filings, folder builds (subfolders, -o a/b/c, an unwritable output folder),
--format=json, diff's exit status and warnings, SIGINT during a build, and
an installed jxgen (cmake --install into a temporary prefix).

usage: test_clerk.py JXGEN SOURCE_DIR"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

JXGEN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
BUILD = os.path.dirname(JXGEN)
REGIONS_ZH = ("changzhou（常州市新北区）、guanggu（武汉东湖高新区（光谷））、guangzhou（广州天河科技园）、"
              "jiangbei（南京江北新区）、national_dept（全国（部门整体支出））、"
              "national_project（全国（项目支出））、tangshan（唐山高新区）")
REGIONS_EN = ("changzhou (常州市新北区), guanggu (武汉东湖高新区（光谷）), guangzhou (广州天河科技园), "
              "jiangbei (南京江北新区), national_dept (全国（部门整体支出）), "
              "national_project (全国（项目支出）), tangshan (唐山高新区)")


def env_default():
    e = dict(os.environ)
    for k in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "JX_HOME"):
        e.pop(k, None)
    return e


def run(args, cwd=SRC, env=None, exe=JXGEN):
    r = subprocess.run([exe, *args], cwd=cwd, capture_output=True, timeout=300,
                       env=env or env_default())
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


class Tmp(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jx-clerk-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def interrupted(self, sig, *options):
        """Builds 40 copies of a sample (in/ to out/ under the test folder)
        with `options` and sends `sig` once the first is done.  Returns the
        folders, the exit status, the first line of stdout, the rest of it and
        stderr (text)."""
        src = os.path.join(self.tmp, "in")
        os.makedirs(src)
        with open(os.path.join(SRC, "input", "changzhou.yaml"), encoding="utf-8") as f:
            text = f.read()
        for i in range(40):
            with open(os.path.join(src, "f%02d.yaml" % i), "w", encoding="utf-8") as f:
                f.write(text)
        out = os.path.join(self.tmp, "out")
        p = subprocess.Popen([JXGEN, "build", *options, src, "-o", out], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env_default(),
                             bufsize=0)  # no line may stay in a Python buffer
        first = p.stdout.readline()  # one filing is done
        p.send_signal(sig)
        so, se = p.communicate(timeout=120)
        return src, out, p.returncode, first, so, se.decode("utf-8")

    def write(self, name, data):
        p = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return p


class CommandLine(unittest.TestCase):
    def test_missing_value(self):
        self.assertEqual(run(["build", "--out"]),
                         (2, "", "jxgen: 错误: 选项 -o/--out 需要一个值\n"))
        self.assertEqual(run(["build", "--lang=en", "--out"]),
                         (2, "", "jxgen: error: option -o/--out needs a value\n"))
        self.assertEqual(run(["build", "--lang=en", "--format"])[2],
                         "jxgen: error: option --format needs a value\n")

    def test_option_not_for_command(self):
        self.assertEqual(run(["check", "--out", "x", "input"]),
                         (2, "", "jxgen: 错误: 选项 -o/--out 不适用于 'jxgen check'\n"
                                 "运行 'jxgen check --help' 查看它的选项。\n"))
        self.assertEqual(run(["--lang=en", "new", "--force", "changzhou"]),
                         (2, "", "jxgen: error: option --force does not apply to 'jxgen new'\n"
                                 "Try 'jxgen new --help' for its options.\n"))

    def test_unknown_command_and_option(self):
        self.assertEqual(run(["biuld"]), (2, "", "jxgen: 错误: 没有 'biuld' 这个命令（您是不是要写 "
                                                  "'build'？）\n运行 'jxgen --help' 查看更多说明。\n"))
        self.assertEqual(run(["biuld", "--lang", "en"])[2],
                         "jxgen: error: unknown command 'biuld' (did you mean 'build'?)\n"
                         "Try 'jxgen --help' for more information.\n")
        self.assertEqual(run(["check", "--bogus=1", "x"])[2], "jxgen: 错误: 没有 '--bogus' 这个选项\n")
        self.assertEqual(run(["check", "--lang=de", "x"])[2],
                         "jxgen: 错误: --lang 只能是 zh（中文）或 en（英文），不能是 'de'\n")
        e = env_default()
        e["LANG"] = "en_GB.UTF-8"
        self.assertEqual(run(["check", "--lang=de", "x"], env=e)[2],
                         "jxgen: error: --lang must be zh (Chinese) or en (English), not 'de'\n")

    def test_both_option_forms(self):
        for args in (["--out", "O"], ["--out=O"], ["-oO"], ["-o", "O"]):
            with tempfile.TemporaryDirectory() as d:
                rc, out, err = run(["build", os.path.join(SRC, "input", "changzhou.yaml"),
                                    "--format", "json", *args], cwd=d)
                self.assertEqual(rc, 0, err)
                self.assertTrue(os.path.exists(os.path.join(d, "O", "changzhou.pdf")), args)

    def test_help_and_version(self):
        rc, out, err = run(["help"])
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual(out.splitlines()[0], "用法: jxgen build [文件|文件夹]... [-o 输出文件夹]   "
                                              "生成申报表（默认: input/ -> out/）")
        self.assertIn("\n  -o, --out 文件夹    输出文件夹，不存在时自动创建（默认: out）\n", out)
        rc, out, _ = run(["--lang=en", "--help"])
        self.assertEqual(out.splitlines()[0], "usage: jxgen build [FILE|DIR]... [-o OUTDIR]   "
                                              "render filings (default: input/ -> out/)")
        rc, out, _ = run(["check", "--help"])
        self.assertEqual(out.splitlines()[0], "用法: jxgen check 文件|文件夹... [选项]")
        rc, out, _ = run(["help", "diff", "--lang=en"])
        self.assertEqual(out.splitlines()[0], "usage: jxgen diff OLD NEW [options]")
        self.assertEqual(run(["-V"]), (0, "jxgen 0.1.0\n", ""))
        self.assertEqual(run(["--version"])[1], "jxgen 0.1.0\n")

    def test_locale_chooses_english(self):
        e = env_default()
        e["LANG"] = "en_US.UTF-8"
        self.assertEqual(run(["build", "--out"], env=e)[2],
                         "jxgen: error: option -o/--out needs a value\n")
        e["LANG"] = "zh_CN.UTF-8"
        self.assertEqual(run(["build", "--out"], env=e)[2], "jxgen: 错误: 选项 -o/--out 需要一个值\n")


class Regions(Tmp):
    def test_suggestions(self):
        cases = [("Changzhou", "没有地区 'Changzhou'：您是不是要写 region: changzhou（常州市新北区）？可用的地区有 %s（jxgen regions 可列出）" % REGIONS_ZH,
                  "unknown region 'Changzhou': did you mean region: changzhou (常州市新北区)? The regions are %s (jxgen regions lists them)" % REGIONS_EN),
                 ("常州", "没有地区 '常州'：您是不是要写 region: changzhou（常州市新北区）？可用的地区有 %s（jxgen regions 可列出）" % REGIONS_ZH,
                  "unknown region '常州': did you mean region: changzhou (常州市新北区)? The regions are %s (jxgen regions lists them)" % REGIONS_EN),
                 ("chanzhou", "没有地区 'chanzhou'：您是不是要写 region: changzhou（常州市新北区）？可用的地区有 %s（jxgen regions 可列出）" % REGIONS_ZH,
                  "unknown region 'chanzhou': did you mean region: changzhou (常州市新北区)? The regions are %s (jxgen regions lists them)" % REGIONS_EN),
                 ("suzhou", "没有地区 'suzhou'。可用的地区有 %s（jxgen regions 可列出）" % REGIONS_ZH,
                  "unknown region 'suzhou'. The regions are %s (jxgen regions lists them)" % REGIONS_EN)]
        for region, zh, en in cases:
            p = self.write("f.yaml", "region: %s\n" % region)
            self.assertEqual(run(["check", p]), (1, "", "%s:1:9: 错误: %s [unknown-region]\n" % (p, zh)))
            self.assertEqual(run(["check", "--lang=en", p]),
                             (1, "", "%s:1:9: error: %s [unknown-region]\n" % (p, en)))

    def test_regions_lists_them(self):
        rc, out, err = run(["regions"])
        self.assertEqual((rc, err), (0, ""))
        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["地区", "中文名", "表格", "示例申报文件"])
        self.assertEqual(lines[1].split(), ["changzhou", "常州市新北区", "区级预算绩效管理项目绩效目标表",
                                            os.path.join(SRC, "input", "changzhou.yaml")])
        # one line per layout of layouts/ (anchors and all), none left out
        keys = sorted(os.path.basename(f)[:-5] for f in glob.glob(os.path.join(SRC, "layouts", "*.yaml")))
        self.assertEqual([l.split()[0] for l in lines[1:]], keys)
        rc, out, _ = run(["regions", "--lang=en"])
        self.assertEqual(out.splitlines()[0].split(), ["region", "Chinese", "name", "form", "sample",
                                                       "filing"])
        rc, out, _ = run(["regions", "--format=json"])
        first = json.loads(out.splitlines()[0])
        self.assertEqual(first["region"], "changzhou")
        self.assertEqual(first["place"], "常州市新北区")


class NotFilings(Tmp):
    def test_files_named_by_their_bytes(self):
        import zipfile
        docx = os.path.join(self.tmp, "word.yaml")
        with zipfile.ZipFile(docx, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", "<w:document/>")
        pdf = self.write("scan.yaml", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
        png = self.write("photo.yaml", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
        self.assertEqual(run(["check", docx])[2],
                         "%s: 错误: 这是 Word 文档（.docx），不是申报文件（申报文件是 YAML 或 JSON 文本）："
                         "请把表格内容填入申报文件：jxgen new 地区 可输出一份空白申报文件\n" % docx)
        self.assertEqual(run(["check", "--lang=en", docx])[2],
                         "%s: error: this is a Word document (.docx), not a filing (a filing is YAML or "
                         "JSON text): copy the form's contents into a filing: jxgen new REGION prints "
                         "a blank one\n" % docx)
        self.assertEqual(run(["check", pdf])[2],
                         "%s: 错误: 这是 PDF 文档，不是申报文件（申报文件是 YAML 或 JSON 文本）："
                         "jxgen 用申报文件生成 PDF，不读取 PDF\n" % pdf)
        self.assertEqual(run(["check", png])[2],
                         "%s: 错误: 这是 PNG 图片，不是申报文件（申报文件是 YAML 或 JSON 文本）\n" % png)
        self.assertEqual(run(["check", "--lang=en", png])[2],
                         "%s: error: this is a PNG image, not a filing (a filing is YAML or JSON text)\n"
                         % png)

    def test_gb18030_filing_is_read_with_a_note(self):
        with open(os.path.join(SRC, "input", "changzhou.yaml"), encoding="utf-8") as f:
            text = f.read()
        p = self.write("gbk.yaml", text.encode("gb18030"))
        rc, out, err = run(["check", p])
        self.assertEqual((rc, err), (0, "%s:1:1: 提示: 文件保存为 GB18030/GBK 编码而不是 UTF-8；已按 "
                                        "GB18030 读取（另存为 UTF-8 即不再提示） [encoding]\n" % p))
        rc, out, err = run(["check", "--lang=en", p])
        self.assertEqual((rc, err), (0, "%s:1:1: note: the file is saved as GB18030/GBK, not UTF-8; it "
                                        "was read as GB18030 (save it as UTF-8 to avoid this note) "
                                        "[encoding]\n" % p))

    def test_yaml_syntax_error_in_chinese(self):
        p = self.write("bad.yaml", "region: changzhou\nyear: \"2025\n")
        self.assertEqual(run(["check", p])[2],
                         "%s:3:1: 错误: YAML/JSON 格式错误: 文件意外结束（在读取带引号的文字时）\n" % p)
        self.assertEqual(run(["check", "--lang=en", p])[2],
                         "%s:3:1: error: malformed YAML/JSON: found unexpected end of stream while "
                         "scanning a quoted scalar\n" % p)

    def both(self, p):
        return run(["check", p]), run(["check", "--lang=en", p])

    def test_pdf_in_english(self):
        p = self.write("scan.yaml", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
        self.assertEqual(run(["check", "--lang=en", p])[2],
                         "%s: error: this is a PDF document, not a filing (a filing is YAML or JSON "
                         "text): jxgen makes PDFs from filings; it does not read them\n" % p)

    def test_filing_without_region(self):
        p = self.write("f.yaml", "year: 2025\n")
        (rc, _, zh), (_, _, en) = self.both(p)
        self.assertEqual((rc, zh), (1, "%s:1:1: 错误: 申报文件需要 region:（例如 region: changzhou）来选择"
                                       "表格；jxgen regions 可列出所有地区\n" % p))
        self.assertEqual(en, "%s:1:1: error: a filing needs region: (e.g. region: changzhou) to select "
                             "its form; jxgen regions lists them\n" % p)

    def test_invalid_utf8(self):
        p = self.write("f.yaml", b"region: changzhou\nproject:\n  name: \xff\xfe\x80\n")
        (rc, _, zh), (_, _, en) = self.both(p)
        self.assertEqual((rc, zh), (1, "%s:3:9: 错误: 第 35 字节不是有效的 UTF-8（请另存为 UTF-8）\n" % p))
        self.assertEqual(en, "%s:3:9: error: invalid UTF-8 at byte offset 35 (save the file as "
                             "UTF-8)\n" % p)

    def test_nul_byte(self):
        p = self.write("f.yaml", b"region: changzhou\n\0\0")
        (rc, _, zh), (_, _, en) = self.both(p)
        self.assertEqual((rc, zh), (1, "%s:2:1: 错误: 不是文本文件: 第 18 字节是 NUL\n" % p))
        self.assertEqual(en, "%s:2:1: error: not a text file: NUL byte at byte offset 18\n" % p)

    def test_missing_file(self):
        p = os.path.join(self.tmp, "missing.yaml")
        (rc, _, zh), (_, _, en) = self.both(p)
        # The system error's text is jxgen's own (glibc's would be 没有那个
        # 文件或目录, and English where its translations are not installed).
        self.assertEqual((rc, zh), (2, "%s: 错误: 无法打开: 文件或文件夹不存在\n" % p))
        self.assertEqual(en, "%s: error: cannot open: No such file or directory\n" % p)


class Batches(Tmp):
    def test_subfolders_and_deep_output(self):
        """A district keeps one folder per unit, each with its 申报.yaml: the
        outputs mirror the folders, under an output folder made with its
        parents."""
        for unit in ("一科", "二科"):
            os.makedirs(os.path.join(self.tmp, "in", unit))
            shutil.copy(os.path.join(SRC, "input", "changzhou.yaml"),
                        os.path.join(self.tmp, "in", unit, "申报.yaml"))
        out = os.path.join(self.tmp, "a", "b", "c")
        rc, so, se = run(["build", os.path.join(self.tmp, "in"), "-o", out, "-j", "2"])
        self.assertEqual(rc, 0, se)
        self.assertEqual(sorted(os.listdir(out)), [".jxgen-record", "一科", "二科"])
        for unit in ("一科", "二科"):
            self.assertEqual(sorted(os.listdir(os.path.join(out, unit))), ["申报.pdf", "申报.xlsx"])
        self.assertEqual(sorted(so.splitlines()),
                         ["%s/in/%s/申报.yaml -> %s/%s" % (self.tmp, u, out, u) for u in ("一科", "二科")])
        self.assertRegex(se, r"^jxgen: 生成 2 份，未变 0 份，失败 0 份，用时 [\d.]+ 秒（每秒 [\d.]+ 份）\n$")
        rc, so, se = run(["build", "--lang=en", os.path.join(self.tmp, "in"), "-o", out])
        self.assertRegex(se, r"^jxgen: 0 rendered, 2 unchanged, 0 failed in [\d.]+ s\n$")

    def test_empty_folder_is_named(self):
        os.makedirs(os.path.join(self.tmp, "empty", "sub"))
        d = os.path.join(self.tmp, "empty")
        self.assertEqual(run(["build", d, "-o", os.path.join(self.tmp, "o")]),
                         (2, "", "%s: 错误: 这个文件夹及其子文件夹中没有申报文件（.yaml、.yml 或 .json 文件）\n" % d))
        self.assertEqual(run(["check", "--lang=en", d])[2],
                         "%s: error: no filings in this folder or its subfolders (.yaml, .yml or .json "
                         "files)\n" % d)

    def test_unwritable_output_reported_once(self):
        blocker = self.write("file", "not a folder")
        out = os.path.join(blocker, "out")
        rc, so, se = run(["build", os.path.join(SRC, "input"), "-o", out])
        self.assertEqual((rc, so, se), (2, "", "%s: 错误: 无法写入输出文件夹: 路径中有一项不是文件夹\n" % out))
        rc, so, se = run(["build", "--lang=en", os.path.join(SRC, "input"), "-o", out])
        self.assertEqual(se, "%s: error: cannot write into the output folder: Not a directory\n" % out)

    def test_progress_line_on_a_terminal(self):
        """On a terminal (script(1) gives one) build draws one progress line:
        [done/total], the rate and the time left, in the clerk's language."""
        src = os.path.join(self.tmp, "in")
        os.makedirs(src)
        for i in range(6):
            shutil.copy(os.path.join(SRC, "input", "changzhou.yaml"), os.path.join(src, "f%d.yaml" % i))
        for lang, frame, summary in (
                ([], r"\r\x1b\[K\[\d/6\] 每秒 [\d.]+ 份  还剩 \d+:\d\d  in/f\d\.yaml",
                 r"\r\x1b\[Kjxgen: 生成 6 份，未变 0 份，失败 0 份，用时 [\d.]+ 秒（每秒 [\d.]+ 份）\r\n$"),
                (["--lang=en"], r"\r\x1b\[K\[\d/6\] [\d.]+/s  \d+:\d\d left  in/f\d\.yaml",
                 r"\r\x1b\[Kjxgen: 6 rendered, 0 unchanged, 0 failed in [\d.]+ s \([\d.]+ filings/s\)\r\n$")):
            shutil.rmtree(os.path.join(self.tmp, "out"), ignore_errors=True)
            cmd = " ".join([JXGEN, "build", *lang, "in", "-o", "out", "-j", "1"])
            r = subprocess.run(["script", "-qec", cmd, "/dev/null"], cwd=self.tmp, capture_output=True,
                               env=env_default(), timeout=300)
            shown = r.stdout.decode("utf-8")
            self.assertEqual(r.returncode, 0, shown)
            self.assertRegex(shown, frame)
            self.assertRegex(shown, summary)

    def test_json_prints_only_json(self):
        rc, so, se = run(["build", os.path.join(SRC, "input"), "-o", os.path.join(self.tmp, "o"),
                          "--format=json"])
        self.assertEqual(rc, 0, se)
        for line in (so + se).splitlines():
            json.loads(line)
        samples = len(glob.glob(os.path.join(SRC, "input", "*.yaml")))
        self.assertEqual(len(so.splitlines()), samples)
        self.assertEqual(json.loads(se.splitlines()[-1])["summary"]["rendered"], samples)

    def test_sigint_keeps_what_completed(self):
        src, out, rc, first, so, se = self.interrupted(signal.SIGINT, "-j", "1")
        self.assertTrue(first.endswith(b"-> " + out.encode() + b"\n"), first)
        self.assertEqual(rc, 130, se)
        done = 1 + len(so.splitlines())
        self.assertLess(done, 40)
        self.assertEqual(se.splitlines()[0], "jxgen: 已被 Ctrl-C (SIGINT) 中断：正在处理的申报表已完成，"
                         "%d 份未开始；下次构建只生成这些" % (40 - done))
        self.assertRegex(se.splitlines()[1], r"^jxgen: 生成 %d 份，未变 0 份，失败 0 份" % done)
        # Nothing half-written: only finished pairs (and the record).
        names = sorted(os.listdir(out))
        self.assertEqual(len([n for n in names if n.endswith(".pdf")]), done)
        self.assertEqual(len([n for n in names if n.endswith(".xlsx")]), done)
        self.assertEqual([n for n in names if n.startswith(".") and n != ".jxgen-record"], [])
        rc, so, se = run(["build", "--lang=en", src, "-o", out])
        self.assertEqual(rc, 0, se)
        self.assertRegex(se, r"^jxgen: %d rendered, %d unchanged, 0 failed" % (40 - done, done))


class Stop(Tmp):
    def test_sigterm_in_english_with_workers(self):
        src, out, rc, first, so, se = self.interrupted(signal.SIGTERM, "--lang=en", "-j", "2")
        self.assertEqual(rc, 143, se)
        done = 1 + len(so.splitlines())
        self.assertEqual(se.splitlines()[0], "jxgen: stopped by SIGTERM: the filings in hand were "
                         "finished, %d not started; the next build renders only those" % (40 - done))
        self.assertRegex(se.splitlines()[1], r"^jxgen: %d rendered, 0 unchanged, 0 failed" % done)
        with open(os.path.join(out, ".jxgen-record"), encoding="utf-8") as f:
            self.assertEqual(sum(1 for l in f if l.startswith("F\t")), done)


    def test_sigterm_in_chinese(self):
        src, out, rc, first, so, se = self.interrupted(signal.SIGTERM, "-j", "1")
        self.assertEqual(rc, 143, se)
        done = 1 + len(so.splitlines())
        self.assertEqual(se.splitlines()[0], "jxgen: 已被 SIGTERM 中断：正在处理的申报表已完成，"
                         "%d 份未开始；下次构建只生成这些" % (40 - done))
        self.assertRegex(se.splitlines()[1], r"^jxgen: 生成 %d 份，未变 0 份，失败 0 份" % done)

    def test_ctrl_c_in_english(self):
        src, out, rc, first, so, se = self.interrupted(signal.SIGINT, "--lang=en", "-j", "1")
        self.assertEqual(rc, 130, se)
        done = 1 + len(so.splitlines())
        self.assertEqual(se.splitlines()[0], "jxgen: stopped by Ctrl-C (SIGINT): the filings in "
                         "hand were finished, %d not started; the next build renders only those"
                         % (40 - done))
        self.assertRegex(se.splitlines()[1], r"^jxgen: %d rendered, 0 unchanged, 0 failed" % done)


class Completion(unittest.TestCase):
    def test_bash_completion(self):
        script = os.path.join(SRC, "scripts", "completion", "jxgen")
        probe = ('source %s; COMP_WORDS=(jxgen bu); COMP_CWORD=1; _jxgen; echo "${COMPREPLY[*]}"; '
                 'COMP_WORDS=(jxgen build --fo); COMP_CWORD=2; _jxgen; echo "${COMPREPLY[*]}"; '
                 'COMP_WORDS=(jxgen check --lang ""); COMP_CWORD=3; _jxgen; echo "${COMPREPLY[*]}"'
                 % script)
        r = subprocess.run(["bash", "-c", probe], capture_output=True, timeout=30)
        self.assertEqual(r.stdout.decode().splitlines(), ["build", "--force --fonts --format", "zh en"])


COMMANDS = ("build", "check", "diff", "new", "import", "regions")


def options_of(command):
    """The options `jxgen COMMAND --help` lists (-o, --out, ...)."""
    rc, out, err = run([command, "--help", "--lang=en"])
    assert rc == 0, err
    return {w.rstrip(",") for line in out.splitlines()[1:] if line.startswith("  -")
            for w in line.split()[:2] if w.startswith("-")}


class Documentation(unittest.TestCase):
    """The man page and the bash completion know every command and option
    that jxgen's own help lists (import was missing from both)."""

    def test_man_page(self):
        env = dict(env_default(), MANWIDTH="100", LANG="C.UTF-8")
        r = subprocess.run(["man", "--warnings=w", "-l", os.path.join(SRC, "docs", "jxgen.1")],
                           capture_output=True, env=env, timeout=60)
        self.assertEqual((r.returncode, r.stderr.decode()), (0, ""))
        page = r.stdout.decode("utf-8")
        synopsis = page[page.index("SYNOPSIS"):page.index("DESCRIPTION")]
        commands = page[page.index("COMMANDS"):page.index("OPTIONS")]
        options = page[page.index("OPTIONS"):page.index("ENVIRONMENT")]
        for c in COMMANDS:
            self.assertIn("jxgen " + c, synopsis)
            self.assertRegex(commands, r"\n       %s\b" % c)
            for o in options_of(c) - {"-h", "--help"}:
                self.assertRegex(options, r"(?m)^       (.*, )?%s\b" % o, (c, o))
        self.assertIn("错误: 没有地区 'Changzhou'：您是不是要写 region: changzhou（常州市新北区）？", page)

    def test_completion_knows_every_option(self):
        script = os.path.join(SRC, "scripts", "completion", "jxgen")
        for c in COMMANDS:
            probe = 'source %s; COMP_WORDS=(jxgen %s -); COMP_CWORD=2; _jxgen; echo "${COMPREPLY[*]}"' % (
                script, c)
            r = subprocess.run(["bash", "-c", probe], capture_output=True, timeout=30)
            self.assertEqual(set(r.stdout.decode().split()), options_of(c) | {"--help"}, c)
        probe = ('source %s; COMP_WORDS=(jxgen ""); COMP_CWORD=1; _jxgen; echo "${COMPREPLY[*]}"; '
                 'COMP_WORDS=(jxgen help ""); COMP_CWORD=2; _jxgen; echo "${COMPREPLY[*]}"' % script)
        r = subprocess.run(["bash", "-c", probe], capture_output=True, timeout=30)
        first, helps = r.stdout.decode().splitlines()
        self.assertEqual(set(w for w in first.split() if not w.startswith("-")), set(COMMANDS) | {"help"})
        self.assertEqual(set(helps.split()), set(COMMANDS))

    def test_completion_of_import(self):
        d = tempfile.mkdtemp(prefix="jx-compl-")
        try:
            for n in ("成本.xlsx", "表.csv", "申报.yaml"):
                open(os.path.join(d, n), "w").close()
            script = os.path.join(SRC, "scripts", "completion", "jxgen")
            # bash-completion turns extglob on for every completion script
            probe = ('cd %s; shopt -s extglob; source %s; COMP_WORDS=(jxgen import ""); COMP_CWORD=2; _jxgen; '
                     'echo "${COMPREPLY[*]}"; COMP_WORDS=(jxgen import 成本.xlsx -o ""); COMP_CWORD=4; '
                     '_jxgen; echo "${COMPREPLY[*]}"' % (d, script))
            r = subprocess.run(["bash", "-c", probe], capture_output=True, timeout=30)
            forms, out = r.stdout.decode("utf-8").splitlines()
            self.assertEqual(sorted(forms.split()), ["成本.xlsx", "表.csv"])
            self.assertEqual(sorted(out.split()), ["成本.xlsx", "申报.yaml", "表.csv"])
        finally:
            shutil.rmtree(d)


class Diff(Tmp):
    def test_exit_status_units_and_region_warning(self):
        a = self.write("a.yaml", open(os.path.join(SRC, "input", "changzhou.yaml"), encoding="utf-8").read())
        rc, so, se = run(["diff", a, a])
        self.assertEqual((rc, so, se), (0, "修改 0 份，未变 1 份，新增 0 份，删除 0 份\n", ""))
        self.assertEqual(run(["diff", "--lang=en", a, a]),
                         (0, "0 changed, 1 unchanged, 0 added, 0 removed\n", ""))
        b = self.write("b.yaml", open(os.path.join(SRC, "input", "tangshan.yaml"), encoding="utf-8").read())
        rc, so, se = run(["diff", a, b])
        self.assertEqual(rc, 1, se)
        self.assertIn("%s: 警告: 两个版本属于不同地区（%s 是 changzhou，这里是 tangshan）：按字段键比较，"
                      "标签取自 tangshan [diff-region]\n" % (b, a), se)
        rc, so, se = run(["diff", "--lang=en", a, b])
        self.assertIn("%s: warning: the two versions are of different regions (changzhou in %s, "
                      "tangshan here): fields are compared by key, with the labels of tangshan "
                      "[diff-region]\n" % (b, a), se)


class DiffUnits(unittest.TestCase):
    def test_totals_that_follow_show_their_unit(self):
        rev = os.path.join(SRC, "tests", "data", "revision")
        args = ["diff", "--layouts", os.path.join(rev, "layouts"), "v1/dept.yaml", "v2/dept.yaml"]
        self.assertEqual(run(args, cwd=rev), (1, (
            "--- v1/dept.yaml\n+++ v2/dept.yaml\n"
            "  修改     项目支出明细[规划设计项目2025] › 全年预算数 (projects.1.amount): 80 → 95.5 万元  "
            "[v2/budget.yaml:8:41]\n"
            "  随之变化的合计:\n"
            "           部门整体资金 › 项目支出 (funds.projects_total): 466.00 → 481.50 万元\n"), ""))
        self.assertEqual(run(["--lang=en"] + args, cwd=rev), (1, (
            "--- v1/dept.yaml\n+++ v2/dept.yaml\n"
            "  changed  项目支出明细[规划设计项目2025] › 全年预算数 (projects.1.amount): 80 → 95.5 万元  "
            "[v2/budget.yaml:8:41]\n"
            "  totals that follow:\n"
            "           部门整体资金 › 项目支出 (funds.projects_total): 466.00 → 481.50 万元\n"), ""))
        rc, so, _ = run(args + ["--format=json"], cwd=rev)
        doc = json.loads(so)
        self.assertEqual(doc["filings"][0]["consequences"][0]["unit"], "万元")


class Hints(Tmp):
    """Natural mistakes, each with the message that says what to write."""

    def sample(self, old, new):
        with open(os.path.join(SRC, "input", "changzhou.yaml"), encoding="utf-8") as f:
            text = f.read()
        self.assertIn(old, text)
        return self.write("f.yaml", text.replace(old, new, 1))

    def both(self, path):
        return run(["check", path]), run(["check", "--lang=en", path])

    def says(self, old, new, zh, en):
        """Checking the sample with `old` replaced by `new` says first zh in
        Chinese and en in English (formats of the file's path); returns the
        exit status."""
        p = self.sample(old, new)
        (rc, _, z), (_, _, e) = self.both(p)
        self.assertEqual(z.splitlines()[0], zh % p)
        self.assertEqual(e.splitlines()[0], en % p)
        return rc

    def test_chinese_label_as_key(self):
        """A label written as the key is read as that field, with a note."""
        p = self.sample("  general_budget: 500 ", "  一般公共预算资金: 500 ")
        (rc, _, zh), (_, _, en) = self.both(p)
        self.assertEqual((rc, zh), (0, "%s:20:3: 提示: 「一般公共预算资金」按字段 fund.general_budget 读取"
                                       "（这是该字段的标签） [label-as-key]\n" % p))
        self.assertEqual(en, "%s:20:3: note: 「一般公共预算资金」 read as fund.general_budget (the field "
                             "it labels) [label-as-key]\n" % p)
        p = self.sample("  general_budget: 500 ", "  一般公共预算资金: 320.5 ")
        rc, so, se = run(["check", p])
        self.assertEqual(rc, 1, se)  # 320.5 breaks the subtotal: the value was read
        self.assertIn("≠ 一般公共预算资金 + 政府性基金 + 财政专户管理资金 + 国有资本金 = 320.5万元", se)
        self.says("  general_budget: 500 ", "  general_budget: 500\n  一般公共预算资金: 500 ",
                  "%s:21:3: 错误: 「一般公共预算资金」是字段 fund.general_budget "
                  "的标签，而该字段也已填写：请只保留一个 [unknown-key]",
                  "%s:21:3: error: 「一般公共预算资金」 is the label of field "
                  "fund.general_budget, which is written too: keep one of them [unknown-key]")

    def test_did_you_mean_for_swapped_letters(self):
        self.says("  name: 大楼运行费", "  nmae: 大楼运行费",
                  "%s:6:3: 错误: 未知字段 project.nmae（您是不是要写 project.name？） [unknown-key]",
                  "%s:6:3: error: unknown field project.nmae (did you mean project.name?) "
                  "[unknown-key]")

    def test_full_width_digits_are_an_amount(self):
        p = self.sample("  general_budget: 500 ", "  general_budget: ５００ ")
        self.assertEqual(run(["check", p]), (0, "", ""))
        out = os.path.join(self.tmp, "o")
        rc, so, se = run(["build", p, "-o", out, "--trace"])
        self.assertEqual(rc, 0, se)
        with open(os.path.join(out, "f.trace"), encoding="utf-8") as f:
            self.assertNotIn("５", f.read())

    def test_wan_written_into_the_amount(self):
        self.says("  general_budget: 500 ", "  general_budget: 12万 ",
                  "%s:20:19: 错误: 「一般公共预算资金」(fund.general_budget) 的单位"
                  "是万元：请写 12（单位由表格印出），而不是 '12万' [not-a-number]",
                  "%s:20:19: error: 「一般公共预算资金」(fund.general_budget) is in "
                  "万元: write 12 (the form prints the unit), not '12万' [not-a-number]")
        self.says("    full: 5000000 ", "    full: 12万 ",
                  "%s:30:11: 错误: 「全年（程）预算数」(spending.0.full) 的单位是元："
                  "请写 120000（单位由表格印出），而不是 '12万' [not-a-number]",
                  "%s:30:11: error: 「全年（程）预算数」(spending.0.full) is in 元: "
                  "write 120000 (the form prints the unit), not '12万' [not-a-number]")

    def test_negative_amount(self):
        rc = self.says("  other: 0 ", "  other: -5 ",
                       "%s:26:10: 错误: 「其他资金」(fund.other) 是 -5：本表的金额不能为"
                       "负数 [negative-amount]",
                       "%s:26:10: error: 「其他资金」(fund.other) is -5: amounts of this "
                       "form cannot be negative [negative-amount]")
        self.assertEqual(rc, 1)

    def test_yuan_written_into_a_wan_field(self):
        self.says("  general_budget: 500 ", "  general_budget: 5000000 ",
                  "%s:20:19: 警告: 「一般公共预算资金」(fund.general_budget) 是 "
                  "5000000 万元，超过 100 亿元：是不是按元填写了？按万元应写 500 [unit-magnitude]",
                  "%s:20:19: warning: 「一般公共预算资金」(fund.general_budget) is "
                  "5000000 万元, which is more than 100 亿元: was it written in 元? In 万元 it is "
                  "500 [unit-magnitude]")


class Catalog(unittest.TestCase):
    def test_every_message_is_translated(self):
        """Each _("…")/N_("…") of gen/ has a Chinese translation in po/zh_CN.po
        (none missing, none fuzzy), with the same printf arguments."""
        with tempfile.TemporaryDirectory() as d:
            pot = os.path.join(d, "jxgen.pot")
            sources = sorted(glob.glob(os.path.join(SRC, "gen", "*", "*.c")))
            subprocess.run(["xgettext", "--from-code=UTF-8", "-k_", "-kN_", "-kcheck_error:3", "-klerr:3",
                            "-klayout_error:3", "-kfail_at:5", "-kpdf_fail:3", "-kpdf_hp:4", "-kpdf_hp_ptr:4",
                            "-o", pot, *sources],
                           check=True)
            po = os.path.join(SRC, "po", "zh_CN.po")
            r = subprocess.run(["msgcmp", "--use-untranslated", po, pot], capture_output=True)
            self.assertEqual(r.returncode, 0, r.stderr.decode())
            r = subprocess.run(["msgfmt", "-c", "--statistics", "-o", os.devnull, po],
                               capture_output=True)
            self.assertEqual(r.returncode, 0, r.stderr.decode())
            self.assertRegex(r.stderr.decode(), r"^\d+ translated messages\.\n$")


class Installed(Tmp):
    def test_install_into_a_prefix_and_run(self):
        prefix = os.path.join(self.tmp, "prefix")
        r = subprocess.run(["cmake", "--install", BUILD, "--prefix", prefix], capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        exe = os.path.join(prefix, "bin", "jxgen")
        for p in ("share/jxgen/layouts/changzhou.yaml", "share/jxgen/fonts/fonts.yaml",
                  "share/locale/zh_CN/LC_MESSAGES/jxgen.mo", "share/man/man1/jxgen.1",
                  "share/bash-completion/completions/jxgen"):
            self.assertTrue(os.path.exists(os.path.join(prefix, p)), p)
        work = os.path.join(self.tmp, "work")
        os.makedirs(work)
        sample = os.path.join(prefix, "share", "jxgen", "input", "changzhou.yaml")
        rc, so, se = run(["build", sample, "-o", "out"], cwd=work, exe=exe)
        self.assertEqual(rc, 0, se)
        self.assertGreater(os.path.getsize(os.path.join(work, "out", "changzhou.pdf")), 10000)
        rc, so, se = run(["regions"], cwd=work, exe=exe)
        self.assertIn(sample, so)
        p = self.write("x.yaml", "region: Changzhou\n")
        # the installed catalog: Chinese by default, English on request
        self.assertEqual(run(["check", p], cwd=work, exe=exe), (1, "", (
            "%s:1:9: 错误: 没有地区 'Changzhou'：您是不是要写 region: changzhou（常州市新北区）？"
            "可用的地区有 %s（jxgen regions 可列出） [unknown-region]\n" % (p, REGIONS_ZH))))
        self.assertEqual(run(["check", "--lang=en", p], cwd=work, exe=exe)[2], (
            "%s:1:9: error: unknown region 'Changzhou': did you mean region: changzhou (常州市新北区)? "
            "The regions are %s (jxgen regions lists them) [unknown-region]\n" % (p, REGIONS_EN)))

    def test_debian_package(self):
        out = os.path.join(self.tmp, "deb")
        r = subprocess.run(["cpack", "-G", "DEB", "-B", out, "--config",
                            os.path.join(BUILD, "CPackConfig.cmake")], capture_output=True,
                           cwd=BUILD, timeout=300)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        debs = glob.glob(os.path.join(out, "jxgen_*.deb"))
        self.assertEqual(len(debs), 1)
        files = subprocess.run(["dpkg-deb", "-c", debs[0]], capture_output=True,
                               check=True).stdout.decode()
        for p in ("./usr/bin/jxgen", "./usr/share/jxgen/layouts/changzhou.yaml",
                  "./usr/share/jxgen/fonts/fonts.yaml", "./usr/share/man/man1/jxgen.1",
                  "./usr/share/locale/zh_CN/LC_MESSAGES/jxgen.mo"):
            self.assertIn(p, files)
        info = subprocess.run(["dpkg-deb", "-f", debs[0], "Depends"], capture_output=True,
                              check=True).stdout.decode()
        self.assertIn("libhpdf", info)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=1)
