#!/usr/bin/python3
"""Every #include "..." in gen/ points down the stack (or within its stage).

The stages, bottom up: base, read, check, text, layout, devices, app
(README: "How the source is organised").  A file may include headers of
its own stage and of the stages below it, never above.  Also fails on an
include of a header that is in no stage folder.

usage: check_includes.py SOURCE_DIR"""
import os
import re
import sys

STAGES = ["base", "read", "check", "text", "layout", "devices", "app"]


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))))
    gen = os.path.join(src, "gen")
    where = {}
    for stage in STAGES:
        for name in os.listdir(os.path.join(gen, stage)):
            where[name] = stage
    bad = []
    count = 0
    for stage in STAGES:
        for name in sorted(os.listdir(os.path.join(gen, stage))):
            if not name.endswith((".c", ".h")):
                continue
            with open(os.path.join(gen, stage, name), encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                    if not m:
                        continue
                    count += 1
                    inc = os.path.basename(m.group(1))
                    target = where.get(inc)
                    if target is None:
                        bad.append("gen/%s/%s:%d: includes %s, which is in no stage folder"
                                   % (stage, name, lineno, m.group(1)))
                    elif STAGES.index(target) > STAGES.index(stage):
                        bad.append("gen/%s/%s:%d: includes %s from the higher stage %s"
                                   % (stage, name, lineno, inc, target))
    for b in bad:
        print(b)
    print("%d includes checked, %d point upwards or nowhere" % (count, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
