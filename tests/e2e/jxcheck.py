"""Shared helpers for the end-to-end tests: run jxgen, read PDFs back with
poppler and workbooks with openpyxl (both independent of jxgen)."""
import html
import os
import re
import subprocess
import sys

TAG = re.compile(r"<[^>]*>")
SPACE = re.compile(r"\s+")
DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")

NO_START = set("，。、；：？！）》」』】〕〉〗｝”’％‰℃…～,.;:?!)]}%")
NO_END = set("（《「『【〔〈〖｛“‘([{")


def norm(text):
    """Text compared without markup, whitespace or digit-group commas."""
    text = html.unescape(TAG.sub("", text))
    return DIGIT_COMMA.sub("", SPACE.sub("", text))


def regions(source_dir):
    """Every region: the layouts in layouts/ (tests discover them; none is listed by hand)."""
    return sorted(os.path.splitext(f)[0] for f in os.listdir(os.path.join(source_dir, "layouts"))
                  if f.endswith(".yaml"))


def expected_cells(source_dir, region):
    path = os.path.join(source_dir, "tests", "data", "expected", region + ".cells")
    with open(path, encoding="utf-8") as f:
        return [norm(l.rstrip("\n")) for l in f if not l.startswith("#") and norm(l)]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def pdf_text(path):
    r = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", path, "-"], capture_output=True)
    if r.returncode != 0:
        raise AssertionError("pdftotext failed: %s" % r.stderr.decode())
    return r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


def pdf_fonts(path):
    """Rows of pdffonts: (name, emb, sub, uni)."""
    r = run(["pdffonts", path])
    rows = []
    for line in r.stdout.splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 7:
            rows.append((parts[0], parts[-5], parts[-4], parts[-3]))
    return rows, r.stderr


def shown_number(value, number_format):
    """A workbook number as its number format displays it (the formats jxgen writes)."""
    f = (number_format or "General").split(";")[0]
    m = re.match(r'\[=0\]"([^"]*)";(.*)$', number_format or "")
    if m:  # [=0]"-";base: the dash for zero, base for any other number
        return m.group(1) if value == 0 else shown_number(value, m.group(2))
    if value == 0 and ";" in (number_format or ""):
        parts = number_format.split(";")
        if len(parts) >= 3:
            return parts[2].strip('"')
    suffix = "".join(re.findall(r'"([^"]*)"', f))
    f = re.sub(r'"[^"]*"', "", f)
    pct = f.endswith("%")
    if pct:
        value = value * 100
    m = re.search(r"\.(0+)", f)
    if m:
        s = "%.*f" % (len(m.group(1)), value)
    elif f in ("General", "@", ""):
        s = repr(float(value))
        s = s[:-2] if s.endswith(".0") else s
    else:
        s = "%.0f" % value
    if "," in f:
        ip, _, fp = s.partition(".")
        neg = ip.startswith("-")
        ip = ip.lstrip("-")
        ip = "{:,}".format(int(ip))
        s = ("-" if neg else "") + ip + ("." + fp if fp else "")
    return s + ("%" if pct else "") + suffix


def visible(wb):
    """The sheets a person sees: the form sheets and 数据, without jxgen's
    hidden record sheet (docs/workbook-import.md, "The record")."""
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible"]


def xlsx_cells(path):
    """Every non-empty cell, sheet by sheet, row by row: (sheet, coord, shown text, raw value, format)."""
    import openpyxl
    wb = openpyxl.load_workbook(path, data_only=True)
    out = []
    for ws in visible(wb):
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                    shown = shown_number(c.value, c.number_format)
                else:
                    shown = str(c.value)
                out.append((ws.title, c.coordinate, shown, c.value, c.number_format))
    return out


def missing_in_order(tokens, text):
    pos, missing = 0, []
    for t in tokens:
        i = text.find(t, pos)
        if i < 0:
            missing.append(t)
        else:
            pos = i + len(t)
    return missing


def kinsoku_violations(text):
    bad = []
    for line in text.splitlines():
        line = line.strip()
        if line and (line[0] in NO_START or line[-1] in NO_END):
            bad.append(line)
    return bad
