#!/usr/bin/python3
"""The README's walk through the source matches the tree.

Every source file gen/<stage>/*.c is named in the README's section "How the
source is organised", and every gen/ file that section names exists (a
renamed, moved or split file shows here).

usage: check_readme.py SOURCE_DIR"""
import glob
import os
import re
import sys

SECTION = "## How the source is organised"


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(src, "README.md"), encoding="utf-8") as f:
        text = f.read()
    start = text.find(SECTION)
    if start < 0:
        print("README.md has no section %r" % SECTION)
        return 1
    end = text.find("\n## ", start + len(SECTION))
    section = text[start:end if end >= 0 else len(text)]
    named = set(re.findall(r"`(gen/[a-z]+/[A-Za-z0-9_]+\.[ch])`", section))
    sources = set(os.path.relpath(p, src) for p in glob.glob(os.path.join(src, "gen", "*", "*.c")))
    bad = ["README.md names %s, which does not exist" % n
           for n in sorted(n for n in named if not os.path.exists(os.path.join(src, n)))]
    bad += ["README.md does not name %s in its walk through the source" % s
            for s in sorted(sources - named)]
    for b in bad:
        print(b)
    print("%d source files, %d gen/ files named, %d mismatches" % (len(sources), len(named), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
