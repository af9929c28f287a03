#!/usr/bin/python3
"""What a reader sees of one rendered filing, checked against what it says.

usage: check_filing.py SOURCE_DIR FILING.yaml OUT_DIR   (prints faults, exit 1 if any)

OUT_DIR holds NAME.pdf, NAME.xlsx and NAME.trace (jxgen build --trace) of
FILING.yaml.  The checks, each printed as "NAME: kind: detail":

  lost       a text value's characters do not all appear in the PDF
             (pdftotext -raw), in order: the value may be cut into pieces
             only at page breaks (a cell continued on the next page);
  xlsx-lost  a text value is in no workbook cell (openpyxl);
  xlsx-row   a workbook row is taller than Excel's 409 pt (Excel cuts it);
  xlsx-cut   a text cell (its merged range) is lower than its text needs at
             the least (every character 9 pt, CJK 1 em, others 0.5 em, a
             line 9 pt): the text is cut off on screen and in print;
  amount     an amount is not a number cell, holds another value than the
             filing wrote, or shows (value with the cell's number format
             applied) a text the PDF does not show;
  split      a number, an amount with its unit or a Latin word is broken
             across two lines of one text block (pdftotext -bbox-layout);
  join       one text block of the PDF (pdftotext -bbox-layout) holds the
             text of two cells: a rule of the grid runs between two words of
             a line or between two lines (the texts of neighbouring cells
             are too near: poppler, and a clerk's copy and paste, read them
             interleaved);
  border     a word of the PDF crosses a rule of the table grid (but for the
             blank half of a mark compressed at a line's start or end);
  lonely     the last line of a text block holds one character besides
             punctuation ("财政供养人员/数"), as shared/tools/typeset counts;
  loose      three or more characters in a row of one line that the reader
             sees as separate words, each gap wider than 0.15 em
             (letter-spaced justification); page numbers not counted;
  glyph      a character is drawn as U+FFFD or from the Private Use Area
             (no real glyph), or a font is not embedded (pdffonts);
  header     a page ends with a header row (header: true in the layout)
             and nothing under it, or a page shows rows of a table part
             that has header rows (the rest of the row list a header row
             opens) without those header rows above them: every continued
             part starts with its header rows; or a group label (band)
             short enough for a page reads only in pieces over two pages;
  small      text is drawn (jxgen build --trace) below READABLE (60%) of
             the smallest size the layout's styles give: the engine sets a
             piece that must not be cut (a number with its unit, a Latin
             word, a web address between its joints) smaller only when no
             column can be made wide enough for it, never so small that a
             reader cannot read it (3.7 pt text in Jiangbei's 全年指标值
             column, squeezed by a web address in 对应项目).
"""
import bisect
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal, ROUND_HALF_UP

import yaml

from filing_schema import scalars, spec_at

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

WS = re.compile(r"\s+")
TAG = re.compile(r"</?(p|ol|ul|li|br)\b[^>]*>", re.I)


def norm(s):
    return WS.sub("", TAG.sub("", s))


# ---- Excel number formats (the subset jxgen writes) ----

def excel_text(value, fmt):
    """The text Excel shows for number `value` (Decimal) in format fmt."""
    secs = split_sections(fmt or "General")
    neg = value < 0
    cond = re.match(r"\[=0\]", secs[0])
    if cond and len(secs) >= 2:  # [=0]"-";base: zero's text, else base
        sec = secs[0][cond.end():] if value == 0 else secs[1]
        return excel_text(value, "") if not sec else _section_text(value, sec)
    if value == 0 and len(secs) >= 3:
        sec, value = secs[2], abs(value)
    elif neg and len(secs) >= 2:
        sec, value = secs[1], abs(value)
    else:
        sec = secs[0]
    return _section_text(value, sec)


def _section_text(value, sec):
    """The text one section `sec` of a number format shows for value."""
    out = []
    i = 0
    done_number = False
    while i < len(sec):
        c = sec[i]
        if c == '"':
            j = sec.index('"', i + 1)
            out.append(sec[i + 1:j])
            i = j + 1
        elif c == "\\":
            out.append(sec[i + 1])
            i += 2
        elif sec.startswith("General", i):
            out.append(general(value))
            i += 7
            done_number = True
        elif c in "#0," and not done_number:
            m = re.match(r"[#0,]+(\.0+)?%?", sec[i:])
            spec = m.group(0)
            out.append(number(value, spec))
            i += len(spec)
            done_number = True
        elif c == "-" or c in " ()":
            out.append(c)
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_sections(fmt):
    secs, cur, q = [], "", False
    for c in fmt:
        if c == '"':
            q = not q
        if c == ";" and not q:
            secs.append(cur)
            cur = ""
        else:
            cur += c
    secs.append(cur)
    return secs


def number(value, spec):
    pct = spec.endswith("%")
    if pct:
        value = value * 100
        spec = spec[:-1]
    decimals = len(spec.split(".")[1]) if "." in spec else 0
    q = Decimal(1).scaleb(-decimals)
    v = value.quantize(q, rounding=ROUND_HALF_UP)
    s = format(abs(v), "f")
    ip, _, fp = s.partition(".")
    if "," in spec:
        ip = "{:,}".format(int(ip))
    s = ip + ("." + fp if fp else "")
    if v < 0:
        s = "-" + s
    return s + ("%" if pct else "")


def general(value):
    s = format(value.normalize(), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


# ---- the PDF ----

def pdf_text(pdf):
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", pdf, "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")


def find_in_pages(pages, value):
    """Whether value reads in order in the pages, cut only at page breaks:
    each piece is on a later page than the one before."""
    value = norm(value)
    if not value:
        return True
    starts = [(pno, 0) for pno in range(len(pages))]
    # Try every page as the start of the first piece.
    for pno in range(len(pages)):
        if matches_from(pages, pno, value):
            return True
    return False


def matches_from(pages, pno, value):
    if not value:
        return True
    if pno >= len(pages):
        return False
    text = pages[pno]
    # The longest prefix of value found on this page, then the rest later.
    lo, hi = 0, len(value)
    if value in text:
        return True
    # binary search the longest prefix present
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if value[:mid] in text:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return False
    for q in range(pno + 1, min(len(pages), pno + 40)):
        if matches_from(pages, q, value[lo:]):
            return True
    return False


DIGIT_END = re.compile(r"[0-9０-９][.,]?$")
NUM_START = re.compile(r"^[0-9０-９.,%％]")
UNIT_SPLIT = [("万", "元"), ("亿", "元"), ("千", "元"), ("平方", "米"), ("公", "里")]
LATIN_END = re.compile(r"[A-Za-z]$")
LATIN_START = re.compile(r"^[A-Za-z]")


def bbox_layout(pdf):
    out = subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", pdf, "-"],
                         capture_output=True, check=True).stdout.decode("utf-8", "replace")
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out).replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    return ET.fromstring(out)


def split_faults(root, trace=None):
    """Numbers, unit words and Latin words broken across two lines of a
    text block, read as shared/tools/typeset reads them (poppler's blocks
    and lines).  With the trace, a pair whose two ends lie in different
    cells of the grid (poppler read two cells side by side as one block,
    so a line "ends" in the right cell and the next "starts" in the left
    one) is left out here: no text was broken, and join_faults() names the
    block (the typeset judge counts it as a split)."""
    faults = []
    for pno, page in enumerate(root.iter("page"), 1):
        rules = trace[pno - 1]["rules"] if trace and pno - 1 < len(trace) else None
        for block in page.iter("block"):
            lines = []
            for line in block.iter("line"):
                words = list(line.iter("word"))
                lines.append(("".join(w.text or "" for w in words), words))
            for (a, wa), (b, wb) in zip(lines, lines[1:]):
                # a number, a unit word or a Latin word across a line end
                a, b = a.rstrip(), b.lstrip()
                bad = (DIGIT_END.search(a) and NUM_START.search(b)) or \
                      (LATIN_END.search(a) and LATIN_START.search(b)) or \
                      any(a.endswith(x) and b.startswith(y) for x, y in UNIT_SPLIT) or \
                      (DIGIT_END.search(a) and b[:1] in "万亿元%％")
                if bad and rules is not None and wa and wb and \
                        ruled_apart(rules, box(wa[-1]), box(wb[0])):
                    bad = False
                if bad:
                    faults.append("page %d: %s/%s" % (pno, a[-12:], b[:12]))
    return faults


# What a reader does not count as a character of a line (lonely, loose).
LONE_PUNCT = set("，。、；：？！…—·）」』》〉】〕”’,.;:?!)%％（「『《〈【〔“‘(")
PAGE_NUMBER = re.compile(r"^(第\s*\d+\s*页.*|[—\-\s\d]+)$")


def typeset_faults(root):
    """Lonely last characters and letter-spaced runs, per text block of
    pdftotext -bbox-layout, counted as the typesetting judge counts them."""
    faults = []
    for pno, page in enumerate(root.iter("page"), 1):
        for block in page.iter("block"):
            lines = []
            for line in block.iter("line"):
                words = [(w.text or "", float(w.get("xMin")), float(w.get("xMax")))
                         for w in line.iter("word")]
                lines.append(("".join(w[0] for w in words), float(line.get("yMin")),
                              float(line.get("yMax")), words))
            if len(lines) >= 2:
                last = [c for c in lines[-1][0] if c not in LONE_PUNCT and not c.isspace()]
                if len(last) == 1:
                    faults.append("lonely: page %d: %s/%s" % (pno, lines[-2][0][-8:], lines[-1][0]))
            for text, y0, y1, words in lines:
                if PAGE_NUMBER.match(text) or y1 <= y0:
                    continue
                run = 0
                for i, (w, x0, _) in enumerate(words):
                    spread = len(w) == 1 and w not in LONE_PUNCT and i > 0 and \
                        x0 - words[i - 1][2] > 0.15 * (y1 - y0)
                    run = run + 1 if spread else 0
                    if run == 2:
                        faults.append("loose: page %d: %s" % (pno, text[:24]))
    return faults


def box(el):
    return tuple(float(el.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))


class Rules:
    """A page's grid rules (x0, y0, x1, y1) as the trace lists them, the
    vertical ones (x0 = x1) sorted by x, the horizontal ones by y, so that
    a question about one word or pair looks only at the rules near it (a
    scan of every rule for every word took most of the checker's time).
    near() gives a superset of the rules that can answer, in trace order:
    the callers test each with their own exact condition."""

    def __init__(self, rules):
        self.rules = rules
        v = sorted((r[0], i) for i, r in enumerate(rules) if abs(r[0] - r[2]) < 0.01)
        h = sorted((r[1], i) for i, r in enumerate(rules)
                   if not abs(r[0] - r[2]) < 0.01 and abs(r[1] - r[3]) < 0.01)
        self.vx, self.vi = [x for x, _ in v], [i for _, i in v]
        self.hy, self.hi = [y for y, _ in h], [i for _, i in h]

    def near(self, x_lo, x_hi, y_lo, y_hi):
        """The vertical rules at x in [x_lo, x_hi] and the horizontal ones
        at y in [y_lo, y_hi] (each widened by 0.1 pt), in trace order."""
        idx = self.vi[bisect.bisect_left(self.vx, x_lo - 0.1):
                      bisect.bisect_right(self.vx, x_hi + 0.1)]
        idx += self.hi[bisect.bisect_left(self.hy, y_lo - 0.1):
                       bisect.bisect_right(self.hy, y_hi + 0.1)]
        return [self.rules[i] for i in sorted(idx)]


def page_rules(trace, pno):
    """Rules of the trace's page pno (0-based), indexed once per page."""
    page = trace[pno]
    if "index" not in page:
        page["index"] = Rules(page["rules"])
    return page["index"]


def ruled_apart(rules, a, b):
    """Whether a rule of the grid (a list of rules or Rules) runs between
    boxes a and b (x0, y0, x1, y1): a vertical rule between them side by
    side, or a horizontal one between them one above the other, over the
    stretch they share."""
    if isinstance(rules, Rules):
        rules = rules.near(min(a[2], b[2]), max(a[0], b[0]), min(a[3], b[3]), max(a[1], b[1]))
    for (x0, y0, x1, y1) in rules:
        if abs(x0 - x1) < 0.01:  # vertical, at x0
            lo, hi = min(y0, y1), max(y0, y1)
            top, bottom = max(a[1], b[1]), min(a[3], b[3])
            if min(a[2], b[2]) <= x0 + 0.01 and x0 - 0.01 <= max(a[0], b[0]) and \
                    lo < bottom and hi > top:
                return True
        elif abs(y0 - y1) < 0.01:  # horizontal, at y0
            lo, hi = min(x0, x1), max(x0, x1)
            left, right = max(a[0], b[0]), min(a[2], b[2])
            if min(a[3], b[3]) <= y0 + 0.01 and y0 - 0.01 <= max(a[1], b[1]) and \
                    lo < right and hi > left:
                return True
    return False


def join_faults(root, trace):
    """Text blocks of pdftotext -bbox-layout that hold the text of two cells
    of the grid: two words of one line with a rule between them, or two
    lines of one block with a rule between them.  poppler gathers words
    nearer than about one em into a block, then reads its lines across:
    the clerk who copies the text (and the typeset judge) gets two cells
    interleaved ("…034.html example31.gov.cn/…").  One fault per block."""
    faults = []
    for pno, page in enumerate(root.iter("page")):
        if pno >= len(trace):
            continue
        rules = page_rules(trace, pno)
        for block in page.iter("block"):
            lines = [list(line.iter("word")) for line in block.iter("line")]
            pairs = [(w[i], w[i + 1]) for w in lines for i in range(len(w) - 1)]
            pairs += [(a[-1], b[0]) for a, b in zip(lines, lines[1:]) if a and b]
            for wa, wb in pairs:
                if ruled_apart(rules, box(wa), box(wb)):
                    faults.append("page %d: \"%s\" and \"%s\" read as one text block" %
                                  (pno + 1, (wa.text or "")[-12:], (wb.text or "")[:12]))
                    break
    return faults


def word_boxes(root):
    for pno, page in enumerate(root.iter("page")):
        for w in page.iter("word"):
            yield pno, w.text or "", tuple(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))


# ---- the trace ----

TEXT = re.compile(r'^text "([^"]*)" ([\d.]+) x=([\d.-]+) y=([\d.-]+) (?:cs=-?[\d.]+ )?"(.*)"$')
RULE = re.compile(r"^rule ([\d.-]+),([\d.-]+)-([\d.-]+),([\d.-]+) w=([\d.]+)$")


def read_trace(path):
    pages = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("page "):
                w, h = line[5:].split("x")
                pages.append({"texts": [], "rules": [], "h": float(h)})
            elif (m := TEXT.match(line)):
                pages[-1]["texts"].append((float(m.group(3)), float(m.group(4)),
                                           m.group(5).encode().decode("unicode_escape")
                                           .encode("latin-1").decode("utf-8", "replace")
                                           if "\\x" in m.group(5) else m.group(5),
                                           float(m.group(2))))
            elif (m := RULE.match(line)):
                pages[-1]["rules"].append(tuple(float(m.group(i)) for i in range(1, 5)))
    return pages


# Marks whose blank half the engine compresses at a line's start (opening)
# or end (closing): drawn with negative spacing or moved by up to half an
# em, their glyph box (which pdftotext reports whole) may reach over the
# rule while their ink stays in the cell.
OPENING = set("（【《〈「『〔［｛“‘")
CLOSING = set("）】》〉」』〕］｝”’，。、；：！？")


def compressed_edge(text, x0, x1, y0, y1, lo, hi):
    """Whether a rule over x lo..hi (lo = hi: a vertical one) meets the word
    only in the blank half of a compressed mark at its start or end (half an
    em: the word's height)."""
    half = (y1 - y0) / 2
    return ((text[:1] in OPENING and hi <= x0 + half) or
            (text[-1:] in CLOSING and lo >= x1 - half))


def border_faults(root, trace):
    faults = []
    for pno, text, (x0, y0, x1, y1) in word_boxes(root):
        if pno >= len(trace):
            continue
        for (a, b, c, d) in page_rules(trace, pno).near(x0 + 0.8, x1 - 0.8, y0 + 1.5, y1 - 1.5):
            if abs(a - c) < 0.01:  # vertical rule at x=a from b to d
                lo, hi = min(b, d), max(b, d)
                if (x0 + 0.8 < a < x1 - 0.8 and lo < y1 - 1.5 and hi > y0 + 1.5 and
                        not compressed_edge(text, x0, x1, y0, y1, a, a)):
                    faults.append("page %d: \"%s\" crosses x=%.1f" % (pno + 1, text[:20], a))
                    break
            elif abs(b - d) < 0.01:
                lo, hi = min(a, c), max(a, c)
                if (y0 + 1.5 < b < y1 - 1.5 and lo < x1 - 0.8 and hi > x0 + 0.8 and
                        not compressed_edge(text, x0, x1, y0, y1, lo, hi)):
                    faults.append("page %d: \"%s\" crosses y=%.1f" % (pno + 1, text[:20], b))
                    break
    return faults


READABLE = 0.6


def small_faults(trace, layout):
    """Pages with text drawn below READABLE of the layout's smallest style
    size: the smallest such run of each page."""
    sizes = [float(v["size"]) for v in (layout.get("styles") or {}).values()
             if isinstance(v, dict) and v.get("size")]
    floor = READABLE * (min(sizes) if sizes else 10.5)
    faults = []
    for pno, page in enumerate(trace):
        small = [t for t in page["texts"] if t[3] < floor - 1e-6]
        if small:
            x, y, text, size = min(small, key=lambda t: t[3])
            faults.append("page %d: \"%s\" set at %.2f pt, below %.2f pt (%d%% of %.1f pt)" %
                          (pno + 1, text[:20], size, floor, round(READABLE * 100), floor / READABLE))
    return faults


def header_texts(layout):
    """Texts of the layout's header rows (rows with header: true)."""
    out = set()

    def walk(n):
        if isinstance(n, dict):
            if n.get("header") is True and "row" in n:
                for c in n["row"]:
                    if isinstance(c, dict) and isinstance(c.get("text"), str) and c["text"].strip():
                        out.add(norm(c["text"]))
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)
    walk(layout.get("sections"))
    return out


def header_faults(trace, heads):
    faults = []
    for pno, page in enumerate(trace):
        body = [t for t in page["texts"] if t[1] < page["h"] - 40]
        if not body or not heads:
            continue
        # The last row of the page: texts whose line tops lie below the top
        # of the lowest rule-bounded row, approximated by the lowest
        # horizontal rule above the lowest text.
        low = max(t[1] for t in body)
        rules_above = [r[1] for r in page["rules"] if abs(r[1] - r[3]) < 0.01 and r[1] < low]
        top = max(rules_above) if rules_above else 0
        last = [norm(t[2]) for t in body if t[1] > top]
        if last and all(x in heads for x in last) and pno + 1 < len(trace):
            faults.append("page %d ends with header row %s" % (pno + 1, "/".join(last)[:40]))
    return faults


# ---- header rows of continued table parts ----

def lookup(ctxs, path):
    """The value at dotted path: from the filing's root for "/a.b", else
    from the innermost list entry outwards (as the layout resolves it)."""
    if path.startswith("/"):
        ctxs, path = ctxs[:1], path[1:]
    for node in reversed(ctxs):
        v = node
        for p in path.split("."):
            if isinstance(v, dict) and p in v:
                v = v[p]
            elif isinstance(v, list) and p.isdigit() and int(p) < len(v):
                v = v[int(p)]
            else:
                v = None
                break
        if v is not None:
            return v
    return None


def cell_text(cell, ctxs):
    """What a layout cell shows, normalized; "" for an amount (shown
    formatted) or an empty value."""
    if not isinstance(cell, dict):
        return ""
    if isinstance(cell.get("text"), str):
        return norm(re.sub(r"\{([^{}]*)\}",
                           lambda m: str(lookup(ctxs, m.group(1)) or ""), cell["text"]))
    if "field" in cell and "format" not in cell:
        v = lookup(ctxs, cell["field"])
        if isinstance(v, (str, int, float)) and not isinstance(v, bool):
            return norm(str(v))
    return ""


def headed_parts(layout, data, labels=None):
    """The table parts the layout gives a header: (the header block's cell
    texts, the texts of the rows it heads).  A header block heads the rest
    of its row list (nested rows included) up to the list's next header
    block, as the paginator repeats it (jx_row.header_from/until).  The
    texts of band labels (group labels spanning rows) are added to
    `labels` when given."""
    parts = []

    def rows_of(items, ctxs):
        produced, current, contig = [], None, False
        for it in items or []:
            if not isinstance(it, dict):
                continue
            if "row" in it:
                texts = [cell_text(c, ctxs) for c in it["row"]]
                if it.get("header") is True:
                    if current is None or not contig:
                        current = ([], [])
                        parts.append(current)
                    current[0].extend(t for t in texts if t)
                    contig = True
                    produced.extend(texts)
                    continue
                sub = texts
            elif "band" in it:
                label = cell_text(it["band"], ctxs)
                if labels is not None and label:
                    labels.append(label)
                sub = [label] + rows_of(it.get("rows"), ctxs)
            elif "each" in it:
                sub = []
                entries = lookup(ctxs, it["each"])
                for e in entries if isinstance(entries, list) else []:
                    sub += rows_of(it.get("rows"), ctxs + [e])
            elif "sides" in it:
                sub = []
                for side in it["sides"]:
                    sub += rows_of(side.get("rows"), ctxs)
            else:
                continue
            contig = False
            if current is not None:
                current[1].extend(sub)
            produced.extend(sub)
        return produced

    def blocks_of(blocks, ctxs):
        for b in blocks or []:
            if not isinstance(b, dict):
                continue
            if isinstance(b.get("table"), dict):
                rows_of(b["table"].get("rows"), ctxs)
            elif "each" in b and "blocks" in b:
                entries = lookup(ctxs, b["each"])
                for e in entries if isinstance(entries, list) else []:
                    blocks_of(b["blocks"], ctxs + [e])

    for sec in layout.get("sections") or []:
        if "each" in sec:
            entries = lookup([data], sec["each"])
            for e in entries if isinstance(entries, list) else []:
                blocks_of(sec.get("blocks"), [data, e])
        else:
            blocks_of(sec.get("blocks"), [data])
    return [(h, r) for h, r in parts if h]


def part_faults(pages, parts):
    """Pages where rows of a headed part appear without its header rows
    above them (pages: each page's normalized -raw text).  A row is known
    by a text of it at least 4 characters long that no other row has and
    the PDF shows once (a long text by its first and last 12 characters, as
    a row split across pages shows each on its own page)."""
    count = {}
    for _, rows in parts:
        for t in rows:
            count[t] = count.get(t, 0) + 1
    whole = "\x00".join(pages)
    faults = []
    for head, rows in parts:
        keys = []
        for t in rows:
            if len(t) < 4 or count[t] > 1 or any(t in h or h in t for h in head):
                continue
            keys += [k for k in ([t] if len(t) <= 24 else [t[:12], t[-12:]])
                     if whole.count(k) == 1]
        for pno, page in enumerate(pages):
            at = [page.find(k) for k in keys if k in page]
            if not at:
                continue
            first = min(at)
            pos, ok = 0, True
            for h in head:
                i = page.find(h, pos)
                if i < 0 or i > first:
                    ok = False
                    break
                pos = i + len(h)
            if not ok:
                faults.append("page %d: rows headed by %s without their header" %
                              (pno + 1, "/".join(head)[:40]))
    return faults


def label_faults(pages, labels):
    """Group labels (band labels) that fit a page but read only in pieces
    over two pages: a label is never divided when it fits."""
    faults = []
    for t in sorted(set(labels)):
        if 2 <= len(t) <= 60 and not any(t in p for p in pages) and find_in_pages(pages, t):
            faults.append("label %s divided between pages" % t[:30])
    return faults


# ---- the workbook ----

def workbook(path):
    import openpyxl
    # read_only: no merged-cell binding (which takes minutes on big sheets).
    wb = openpyxl.load_workbook(path, read_only=True)
    cells = {}
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if getattr(c, "value", None) is not None:
                    cells[(ws.title, c.coordinate)] = c
                    texts.append(norm(str(c.value)))
    data = {}
    if "数据" in wb.sheetnames:
        for row in wb["数据"].iter_rows(min_row=2, values_only=True):
            data[row[0]] = row
    wb.close()
    return cells, "\x00".join(texts), data


def sheet_geometry(path):
    """Per sheet title: row heights {row: pt}, column widths {col: pt} and
    merged ranges {top-left: (c0, r0, c1, r1)}, read from the sheet XML
    (openpyxl's full load takes minutes on big sheets)."""
    import zipfile
    geo = {}
    with zipfile.ZipFile(path) as z:
        wbx = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        target = dict(re.findall(r'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
        target.update({k: v for v, k in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*'
                                                    r'Id="([^"]+)"', rels)})
        for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*r:id="([^"]+)"', wbx):
            name = name.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            xml = z.read("xl/" + target[rid].lstrip("/").replace("xl/", "", 1)).decode("utf-8")
            rows = {int(r): float(h) for r, h in
                    re.findall(r'<row r="(\d+)"[^>]*?\bht="([\d.]+)"', xml)}
            cols = {}
            for lo, hi, w in re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', xml):
                w = float(w)
                px = int(w * 7 + 0.5) + 5 if w >= 1 else int(w * 12 + 0.5)
                for c in range(int(lo), int(hi) + 1):
                    cols[c] = px * 0.75
            merged = {}
            for ref in re.findall(r'<mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"', xml):
                (a, r0), (b, r1) = [re.match(r"([A-Z]+)(\d+)", x).groups()
                                    for x in ref.split(":")]
                merged[a + r0] = (col_index(a), int(r0), col_index(b), int(r1))
            geo[name] = (rows, cols, merged)
    return geo


def col_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def least_height(text, width_pt, size=9.0):
    """The least height, points, text can take in a cell width_pt wide: each
    line of it at `size` (CJK 1 em, others 0.5 em) broken anywhere, one
    `size` a line (a lower bound of what any viewer needs)."""
    avail = max(width_pt - 4, size)
    lines = 0
    for para in str(text).split("\n"):
        w = sum(size if ord(ch) >= 0x1100 else size / 2 for ch in para)
        lines += max(1, -(-int(w * 1000) // int(avail * 1000)))
    return lines * size


ROW_FORMULA = re.compile(r"=ROW\('?(.*?)'?!\$?([A-Z]+\$?\d+)\)$")


def continued_cells(cells):
    """The record's 续 rows: {(sheet, cell a text starts in): [cells it goes
    on in, on the next printed pages]} (a text taller than a page), read
    from the cells workbook() read (no second load of the workbook)."""
    rows = {}
    for (sheet, _), c in cells.items():
        if sheet == "jxgen":
            rows.setdefault(c.row, {})[c.column] = c.value
    out = {}
    for r in sorted(rows):
        row = rows[r]
        if row.get(1) == "续":
            a, b = (ROW_FORMULA.match(str(row.get(k))) for k in (3, 4))
            if a and b:
                out.setdefault((a.group(1).replace("''", "'"), a.group(2).replace("$", "")),
                               []).append(b.group(2).replace("$", ""))
    return out


def geometry_faults(book_data, geo, conts=None, cells=None):
    """xlsx-row and xlsx-cut faults of a workbook (see the top); a text
    continued on new pages (conts, cells: continued_cells(), workbook())
    is checked piece by piece, each in its own cell."""
    faults = []
    for name, (rows, cols, merged) in geo.items():
        for r, h in sorted(rows.items()):
            if h > 409:
                faults.append("xlsx-row: %s row %d is %g pt, more than Excel's 409" % (name, r, h))
    for path, row in book_data.items():
        if row[4] != "文本" or not row[3] or row[5] not in geo:
            continue
        rows, cols, merged = geo[row[5]]
        m = re.match(r"([A-Z]+)(\d+)$", row[6] or "")
        if not m:
            continue
        pieces = [(row[6], row[3])]
        more = (conts or {}).get((row[5], row[6]))
        if more:
            pieces = [(ref, cells[(row[5], ref)].value if (row[5], ref) in cells else "")
                      for ref in [row[6]] + more]
        for ref, text in pieces:
            m = re.match(r"([A-Z]+)(\d+)$", ref)
            c0 = c1 = col_index(m.group(1))
            r0 = r1 = int(m.group(2))
            if ref in merged:
                c0, r0, c1, r1 = merged[ref]
            height = sum(rows.get(r, 15.0) for r in range(r0, r1 + 1))
            width = sum(cols.get(c, 64 * 0.75) for c in range(c0, c1 + 1))
            need = least_height(text or "", width)
            if height < need:
                faults.append("xlsx-cut: %s: %s has %g pt, its text needs at least %g pt" %
                              (path, ref, height, need))
    return faults


def shown_in(pages_joined, shown):
    pat = r"(?<![0-9.,])" + re.escape(shown.strip()) + r"(?![0-9.,%％])"
    return re.search(pat, pages_joined) is not None


def check(src, filing, out):
    name = os.path.splitext(os.path.basename(filing))[0]
    with open(filing, encoding="utf-8") as f:
        data = yaml.load(f, Loader=LOADER)
    with open(os.path.join(src, "layouts", data["region"] + ".yaml"), encoding="utf-8") as f:
        layout = yaml.load(f, Loader=LOADER)
    schema = layout["schema"]
    pdf = os.path.join(out, name + ".pdf")
    faults = []
    raw = pdf_text(pdf)
    pages = [norm(p) for p in raw.split("\f")]
    joined = " ".join(WS.sub(" ", raw).split())
    cells, book_text, book_data = workbook(os.path.join(out, name + ".xlsx"))
    for path, value in scalars(data):
        if path == "region":
            continue
        spec = spec_at(schema, path)
        if spec.get("type") == "amount":
            row = book_data.get(path)
            if row is None:
                faults.append("amount: %s (%s) is not in the 数据 sheet" % (path, value))
                continue
            c = cells.get((row[5], row[6])) if row[5] else None
            if value.strip() == "":
                continue
            if c is None or not isinstance(c.value, (int, float)) or isinstance(c.value, bool):
                faults.append("amount: %s = %r is not a number cell (%r)" %
                              (path, value, c.value if c else None))
                continue
            got = Decimal(repr(c.value))
            want = written_value(value, spec)
            if want is not None and abs(got - want) > abs(want) * Decimal("1e-12") + Decimal("1e-9"):
                faults.append("amount: %s written %s, workbook holds %s" % (path, value, got))
            shown = excel_text(got, c.number_format)
            if not shown_in(joined, shown) and norm(shown) in "".join(pages):
                faults.append("split: %s written %s: %r is broken across lines in the PDF" %
                              (path, value, shown))
            elif not shown_in(joined, shown):
                faults.append("amount: %s written %s: workbook shows %r (%s), not in the PDF" %
                              (path, value, shown, c.number_format))
            continue
        if not norm(value):
            continue
        if not find_in_pages(pages, value):
            faults.append("lost: %s: %s" % (path, norm(value)[:60]))
        if any(norm(x) not in book_text for x in TAG.split(value.replace("\n", "<p>"))
               if norm(x) and x.lower() not in ("p", "ol", "ul", "li", "br")):
            faults.append("xlsx-lost: %s: %s" % (path, norm(value)[:60]))
    xlsx = os.path.join(out, name + ".xlsx")
    faults += geometry_faults(book_data, sheet_geometry(xlsx), continued_cells(cells), cells)
    # Derived totals the filing left out: computed, a number, shown alike.
    for path, row in book_data.items():
        if row[4] == "公式":
            c = cells.get((row[5], row[6]))
            if c is None:
                faults.append("amount: derived %s has no cell" % path)
    for ch in joined:
        if ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF:
            faults.append("glyph: U+%04X drawn" % ord(ch))
            break
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout.splitlines()[2:]
    for line in fonts:
        if " no " in line.split("Identity")[-1][:12] if "Identity" in line else False:
            faults.append("glyph: font not embedded: %s" % line)
    root = bbox_layout(pdf)
    trace_path = os.path.join(out, name + ".trace")
    trace = read_trace(trace_path) if os.path.exists(trace_path) else None
    faults += ["split: " + x for x in split_faults(root, trace)]
    if trace is not None:
        faults += ["join: " + x for x in join_faults(root, trace)]
        faults += ["border: " + x for x in border_faults(root, trace)]
        faults += ["header: " + x for x in header_faults(trace, header_texts(layout))]
        faults += ["small: " + x for x in small_faults(trace, layout)]
    labels = []
    faults += ["header: " + x for x in part_faults(pages, headed_parts(layout, data, labels))]
    faults += ["header: " + x for x in label_faults(pages, labels)]
    faults += typeset_faults(root)
    return ["%s: %s" % (name, f) for f in faults]


def written_value(value, spec):
    v = value.strip().replace(",", "")
    if v in ("", "-"):
        return Decimal(0)
    pct = v.endswith("%") or v.endswith("％")
    if pct:
        return Decimal(v[:-1]) / 100
    try:
        return Decimal(v)
    except Exception:
        return None


def main(argv):
    if len(argv) != 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    faults = check(argv[1], argv[2], argv[3])
    for f in faults:
        print(f)
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
