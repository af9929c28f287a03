#!/usr/bin/python3
"""End to end, issue 14: more of what a clerk (or the bureau's layout
author) reads, each message exactly, in Chinese (the default) and in English
(--lang=en): the schema's unknown-field sentences of a layout's rules,
libxlsxwriter's errors in the catalog's words, every kind of file that is not
a filing, and the command line's usage errors.  test_clerk.py has the rest.

usage: test_messages.py JXGEN SOURCE_DIR"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import zipfile

JXGEN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
SAMPLE = os.path.join(SRC, "input", "changzhou.yaml")


def env_default():
    e = dict(os.environ)
    for k in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "JX_HOME"):
        e.pop(k, None)
    return e


def run(args, cwd=SRC):
    r = subprocess.run([JXGEN, *args], cwd=cwd, capture_output=True, timeout=300, env=env_default())
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


def both(args, cwd=SRC):
    """(status, stdout, stderr) in Chinese, then in English."""
    return run(args, cwd), run(["--lang=en", *args], cwd)


class Tmp(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jx-messages-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, name, data):
        p = os.path.join(self.tmp, name)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return p


class Layouts(Tmp):
    """Mistakes in a layout (the bureau's layout author reads these): a rule
    that names a field the schema does not have (four whole sentences: with
    or without the map it was looked for in, with or without a suggestion),
    unknown keys, a cell that is not a map; each at its line and column."""

    def layout_with(self, old, new):
        layouts = os.path.join(self.tmp, "layouts")
        shutil.rmtree(layouts, ignore_errors=True)
        shutil.copytree(os.path.join(SRC, "layouts"), layouts)
        path = os.path.join(layouts, "changzhou.yaml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertEqual(text.count(old), 1, old)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))
        lines = text[:text.index(old)].count("\n") + 1
        return layouts, "layouts/changzhou.yaml:%d:" % lines

    def says(self, old, new, zh, en):
        layouts, at = self.layout_with(old, new)
        (rc, so, z), (rce, _, e) = both(["check", "--layouts", "layouts", SAMPLE], cwd=self.tmp)
        self.assertEqual((rc, so, z), (2, "", at + zh + "\n"))
        self.assertEqual((rce, e), (2, at + en + "\n"))

    def test_unknown_field_in_a_map_with_suggestion(self):
        self.says("    total: fund.total\n    parts: [fund.subtotal,",
                  "    total: fund.totl\n    parts: [fund.subtotal,",
                  "12: 错误: 规则 fund-total：total: fund 中没有字段 'totl'（您是不是要写 'total'？）",
                  "12: error: rule fund-total: total: the schema has no field 'totl' in fund (did "
                  "you mean 'total'?)")

    def test_unknown_field_in_a_map(self):
        self.says("    total: fund.total\n    parts: [fund.subtotal,",
                  "    total: fund.zzzzzz\n    parts: [fund.subtotal,",
                  "12: 错误: 规则 fund-total：total: fund 中没有字段 'zzzzzz'",
                  "12: error: rule fund-total: total: the schema has no field 'zzzzzz' in fund")

    def test_unknown_top_level_field(self):
        self.says("    total: fund.total\n    parts: [fund.subtotal,",
                  "    total: funds.total\n    parts: [fund.subtotal,",
                  "12: 错误: 规则 fund-total：total: 没有字段 'funds'（您是不是要写 'fund'？）",
                  "12: error: rule fund-total: total: the schema has no field 'funds' (did you "
                  "mean 'fund'?)")
        self.says("    total: fund.total\n    parts: [fund.subtotal,",
                  "    total: qqqqqq.total\n    parts: [fund.subtotal,",
                  "12: 错误: 规则 fund-total：total: 没有字段 'qqqqqq'",
                  "12: error: rule fund-total: total: the schema has no field 'qqqqqq'")

    def test_a_sum_of_text(self):
        self.says("    total: fund.total\n    parts: [fund.subtotal,",
                  "    total: project.name\n    parts: [fund.subtotal,",
                  "12: 错误: 规则 fund-total：total project.name 必须是金额字段",
                  "12: error: rule fund-total: total project.name must be an amount field")


    def test_unknown_key_of_a_cell(self):
        self.says("- row: [{text: 资金总额, colspan: 2}", "- row: [{text: 资金总额, colspn: 2}",
                  "42: 错误: 单元格 中有未知的键 'colspn'（您是不是要写 'colspan'？）；可用的键：text, "
                  "field, colspan, rowspan, style, format, numbering",
                  "42: error: unknown key 'colspn' in a cell (did you mean 'colspan'?); valid keys: "
                  "text, field, colspan, rowspan, style, format, numbering")
        self.says("- row: [{text: 资金总额, colspan: 2}", "- row: [{text: 资金总额, zzzz: 2}",
                  "42: 错误: 单元格 中有未知的键 'zzzz'；可用的键：text, field, colspan, rowspan, "
                  "style, format, numbering",
                  "42: error: unknown key 'zzzz' in a cell; valid keys: text, field, colspan, "
                  "rowspan, style, format, numbering")

    def test_a_cell_that_is_not_a_map(self):
        self.says("- row: [{text: 资金总额, colspan: 2}", "- row: [[资金总额]",
                  "29: 错误: 单元格 必须是映射（键: 值）", "29: error: a cell must be a map")

    def test_unknown_key_of_a_field_spec(self):
        self.says("total: {label: 资金总额, type: amount, unit: 万元",
                  "total: {label: 资金总额, type: amount, unti: 万元",
                  "42: 错误: 字段 'total' 的说明中有未知的键 'unti'（您是不是要写 'unit'？）；可用的键："
                  "label, type, unit, required, fields, item, derived, example, negative",
                  "42: error: unknown key 'unti' in the spec of field 'total' (did you mean "
                  "'unit'?); valid keys: label, type, unit, required, fields, item, derived, "
                  "example, negative")


class WorkbookLimits(Tmp):
    def test_text_longer_than_an_excel_cell(self):
        """A text longer than an Excel cell holds names the field (file, line,
        column, label, path) in the clerk's language, before anything is
        written (it used to be libxlsxwriter's error on the 数据 sheet's cell,
        naming no field); more in test_cell_limit.py."""
        with open(SAMPLE, encoding="utf-8") as f:
            text = f.read()
        p = self.write("long.yaml", text.replace('  contact: ""', '  contact: "%s"' % ("甲" * 33000), 1))
        out = os.path.join(self.tmp, "out")
        (rc, so, zh), (rce, _, en) = both(["build", p, "-o", out])
        self.assertEqual((rc, so, rce), (1, "", 1))
        zh, en = zh.splitlines(), en.splitlines()
        self.assertEqual(zh[0], "%s:13:12: 错误: 项目负责人/联系电话 (project.contact) 有 33000 个字符，"
                                "超过 Excel 单元格最多能容纳的 32767 个字符：工作簿无法完整保存它；"
                                "请缩短到 32767 个字符以内" % p)
        self.assertRegex(zh[1], r"^jxgen: 生成 0 份，未变 0 份，失败 1 份，用时 [\d.]+ 秒$")
        self.assertEqual(zh[2], "  失败: " + zh[0])
        self.assertEqual(en[0], "%s:13:12: error: 项目负责人/联系电话 (project.contact) is 33000 "
                                "characters long, more than the 32767 an Excel cell holds: the "
                                "workbook cannot keep it whole; shorten it to at most 32767 "
                                "characters" % p)
        self.assertEqual(en[2], "  failed: " + en[0])
        self.assertFalse(os.path.exists(out) and [n for n in os.listdir(out) if not n.startswith(".")])


class Fonts(Tmp):
    def test_font_that_forbids_embedding(self):
        """A licensed font dropped into the fonts folder whose OS/2 fsType
        forbids embedding (restricted licence, 0x0002): the PDF device says
        so in the clerk's language and what to do; nothing is written."""
        fonts = os.path.join(self.tmp, "fonts")
        os.makedirs(fonts)
        shutil.copy(os.path.join(SRC, "fonts", "fonts.yaml"), fonts)
        with open("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf", "rb") as f:
            b = bytearray(f.read())
        for i in range(struct.unpack(">H", b[4:6])[0]):
            entry = 12 + 16 * i
            tag, _, off, length = struct.unpack(">4sIII", b[entry:entry + 16])
            if tag == b"OS/2":
                b[off + 8:off + 10] = struct.pack(">H", 0x0002)
                data = bytes(b[off:off + length]) + bytes(-length % 4)
                total = sum(struct.unpack(">%dI" % (len(data) // 4), data)) & 0xFFFFFFFF
                b[entry + 4:entry + 8] = struct.pack(">I", total)  # a sound table
        with open(os.path.join(fonts, "times.ttf"), "wb") as f:  # the Latin face of song
            f.write(b)
        (rc, so, zh), (rce, _, en) = both(["build", "--fonts", "fonts", SAMPLE, "-o", "o"], cwd=self.tmp)
        self.assertEqual((rc, so, rce), (2, "", 2))
        self.assertEqual(zh.splitlines()[0], "o/changzhou.pdf: 错误: 字体 fonts/times.ttf（字面 0）的授权"
                         "禁止把它嵌入 PDF（OS/2 fsType 0x0002）：请把它从字体文件夹中移走，或在 "
                         "fonts.yaml 中换用其他字体")
        self.assertEqual(en.splitlines()[0], "o/changzhou.pdf: error: font fonts/times.ttf (face 0): "
                         "its licence forbids embedding it in a PDF (OS/2 fsType 0x0002): take it out "
                         "of the fonts folder or list another font in fonts.yaml")
        self.assertEqual(os.listdir(os.path.join(self.tmp, "o")), [])


class NotFilings(Tmp):
    """Each kind of file a clerk may take for a filing, named by its bytes."""
    WHY_ZH = "不是申报文件（申报文件是 YAML 或 JSON 文本）"
    WHY_EN = "not a filing (a filing is YAML or JSON text)"

    def says(self, path, zh, en):
        (rc, so, z), (rce, _, e) = both(["check", path])
        self.assertEqual((rc, so, z), (1, "", "%s: 错误: 这是 %s\n" % (path, zh)))
        self.assertEqual((rce, e), (1, "%s: error: this is %s\n" % (path, en)))

    def zip(self, name, members):
        p = os.path.join(self.tmp, name)
        with zipfile.ZipFile(p, "w") as z:
            for m in members:
                z.writestr(m, "<x/>")
        return p

    def test_excel_workbook(self):
        self.says(self.zip("book.yaml", ["[Content_Types].xml", "xl/workbook.xml"]),
                  "Excel 工作簿（.xlsx），%s：按 jxgen 导入模板填写的工作簿请用 jxgen import 读取"
                  "（见 docs/workbook-import.md）" % self.WHY_ZH,
                  "an Excel workbook (.xlsx), %s: a workbook of jxgen's import template is read "
                  "with jxgen import (docs/workbook-import.md)" % self.WHY_EN)

    def test_zip_archive(self):
        self.says(self.zip("bundle.yaml", ["一科/申报.yaml"]),
                  "zip 压缩包，%s：请先解压，再对文件夹运行 build" % self.WHY_ZH,
                  "a zip archive, %s: unpack it and build the folder" % self.WHY_EN)

    def test_old_word_and_excel(self):
        ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + bytes(100)
        self.says(self.write("old.yaml", ole + "WordDocument".encode("utf-16-le")),
                  "Word 文档（.doc），%s：请把表格内容填入申报文件：jxgen new 地区 可输出一份空白申报文件"
                  % self.WHY_ZH,
                  "a Word document (.doc), %s: copy the form's contents into a filing: jxgen new "
                  "REGION prints a blank one" % self.WHY_EN)
        self.says(self.write("old.yaml", ole + "Workbook".encode("utf-16-le")),
                  "Excel 工作簿（.xls），%s：请另存为 .xlsx，再用 jxgen import 读取"
                  "（见 docs/workbook-import.md）" % self.WHY_ZH,
                  "an Excel workbook (.xls), %s: save it as .xlsx and read it with jxgen import "
                  "(docs/workbook-import.md)" % self.WHY_EN)

    def test_photo(self):
        self.says(self.write("photo.yaml", b"\xFF\xD8\xFF\xE0\0\x10JFIF"),
                  "JPEG 图片，" + self.WHY_ZH, "a JPEG image, " + self.WHY_EN)


class Json(Tmp):
    def test_messages_in_json_lines(self):
        """--format=json: the same messages, translated, as JSON lines only."""
        with open(SAMPLE, encoding="utf-8") as f:
            self.write("f.yaml", f.read().replace("  total: 500 ", "  totl: 500 ", 1))
        (rc, zo, zh), (_, eo, en) = both(["check", "--format=json", "f.yaml", "missing.yaml"],
                                         cwd=self.tmp)
        self.assertEqual((rc, zo, eo), (2, "", ""))
        zh, en = [json.loads(l) for l in zh.splitlines()], [json.loads(l) for l in en.splitlines()]
        self.assertEqual([(m["file"], m["line"], m["col"], m["severity"], m["rule"]) for m in zh[:2]],
                         [("f.yaml", 18, 3, "error", "unknown-key"),
                          ("missing.yaml", 0, 0, "error", None)])
        self.assertEqual(zh[2:], [{"summary": {"checked": 2, "failed": 2}}])
        self.assertEqual([m["message"] for m in zh[:2]],
                         ["未知字段 fund.totl（您是不是要写 fund.total？）", "无法打开: 文件或文件夹不存在"])
        self.assertEqual([m["message"] for m in en[:2]],
                         ["unknown field fund.totl (did you mean fund.total?)",
                          "cannot open: No such file or directory"])

    def test_usage_errors_in_json_lines(self):
        """--format=json: a usage error is a JSON line too, in either language,
        with no hint line in text around it; without it the text is unchanged."""
        cases = [(["build", "--format=json", "-j", "abc"],
                  "jxgen: 错误: -j 需要 1 到 256 之间的任务数，不能是 'abc'",
                  "jxgen: error: -j takes a number of jobs from 1 to 256, not 'abc'"),
                 (["diff", "--format", "json", "--force", "a", "b"],
                  "jxgen: 错误: 选项 --force 不适用于 'jxgen diff'",
                  "jxgen: error: option --force does not apply to 'jxgen diff'"),
                 (["build", "--nosuch", "--format=json"],
                  "jxgen: 错误: 没有 '--nosuch' 这个选项",
                  "jxgen: error: unknown option '--nosuch'"),
                 (["--format=json"],
                  "jxgen: 错误: 没有给出命令；可用的命令有 build、check、diff、new、import、regions 和 help",
                  "jxgen: error: no command given; the commands are build, check, diff, new, "
                  "import, regions and help")]
        for args, zh_msg, en_msg in cases:
            (rc, zo, zh), (rc_en, eo, en) = both(args, cwd=self.tmp)
            self.assertEqual((rc, rc_en, zo, eo), (2, 2, "", ""), args)
            for err, msg in ((zh, zh_msg), (en, en_msg)):
                lines = err.splitlines()
                self.assertEqual(len(lines), 1, err)
                self.assertEqual(json.loads(lines[0]),
                                 {"file": None, "line": 0, "col": 0, "severity": "error",
                                  "rule": "usage", "message": msg})
        rc, _, err = run(["build", "-j", "abc"], cwd=self.tmp)
        self.assertEqual((rc, err), (2, "jxgen: 错误: -j 需要 1 到 256 之间的任务数，不能是 'abc'\n"))
        # No command in text mode: the usage text, as before.
        (rc, so, zh), (rc_en, _, en) = both([], cwd=self.tmp)
        self.assertEqual((rc, rc_en, so), (2, 2, ""))
        self.assertTrue(en.startswith("usage: jxgen build "), en)
        self.assertGreater(len(zh.splitlines()), 10, zh)


class Readme(Tmp):
    def test_first_screen_shows_a_chinese_message_as_users_see_it(self):
        """The README's first screen (24 lines) holds a console example: the
        command and exactly what this jxgen prints for it, in Chinese."""
        with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
            first = f.read().splitlines()[:24]
        start = first.index("```console")
        end = first.index("```", start)
        command, *shown = first[start + 1:end]
        self.assertTrue(command.startswith("$ jxgen check "), command)
        path = command[len("$ jxgen check "):]
        os.makedirs(os.path.join(self.tmp, os.path.dirname(path)), exist_ok=True)
        self.write(path, "region: Changzhou\nyear: 2025\n")
        rc, so, se = run(command[2:].split()[1:], cwd=self.tmp)
        self.assertEqual((rc, so), (1, ""))
        self.assertEqual(se.splitlines(), shown)
        self.assertIn("错误", shown[0])


class Usage(unittest.TestCase):
    """The command line's usage errors: exit status 2, one message each."""

    def says(self, args, zh, en):
        (rc, so, z), (rce, soe, e) = both(args)
        self.assertEqual((rc, so, z), (2, "", "jxgen: 错误: " + zh + "\n"))
        self.assertEqual((rce, soe, e), (2, "", "jxgen: error: " + en + "\n"))

    def test_unknown_option(self):
        self.says(["check", "--bogus=1", "x"], "没有 '--bogus' 这个选项", "unknown option '--bogus'")

    def test_missing_format(self):
        self.assertEqual(run(["build", "--format"]), (2, "", "jxgen: 错误: 选项 --format 需要一个值\n"))

    def test_bad_values(self):
        self.says(["build", "-j", "abc"], "-j 需要 1 到 256 之间的任务数，不能是 'abc'",
                  "-j takes a number of jobs from 1 to 256, not 'abc'")
        self.says(["build", "--format=xml"], "--format 只能是 text 或 json，不能是 'xml'",
                  "--format must be text or json, not 'xml'")

    def test_unknown_command_without_a_near_one(self):
        self.says(["xyzzyq"], "没有 'xyzzyq' 这个命令；可用的命令有 build、check、diff、new、import、"
                              "regions 和 help\n运行 'jxgen --help' 查看更多说明。",
                  "unknown command 'xyzzyq'; the commands are build, check, diff, new, import, "
                  "regions and help\nTry 'jxgen --help' for more information.")
        self.says(["help", "nosuch"], "没有 'nosuch' 这个命令", "unknown command 'nosuch'")

    def test_wrong_number_of_arguments(self):
        self.says(["new"], "new 需要一个地区名，例如 jxgen new changzhou（jxgen regions 可列出所有地区）",
                  "new needs one region name, e.g. jxgen new changzhou (jxgen regions lists them)")
        self.says(["import"], "import 需要一个工作簿，例如 jxgen import 成本.xlsx -o 成本.yaml",
                  "import needs one workbook, e.g. jxgen import 成本.xlsx -o 成本.yaml")
        self.says(["diff", "a"], "diff 需要两个文件或两个文件夹: 旧 新",
                  "diff needs two files or two folders: OLD NEW")
        self.says(["check"], "check 至少需要一个文件或文件夹", "check needs at least one FILE or DIR")
        self.says(["regions", "extra"], "regions 不需要参数", "regions takes no arguments")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=1)
