#!/usr/bin/python3
"""Generates random valid filings, renders them and checks what a reader sees.

usage: run_corpus.py JXGEN SOURCE_DIR [--seed N] [--count N] [--region R ...]
                     [--keep DIR] [-j N] [--allow KIND ...] [--small]

For each region, --count filings are generated with gen_filings.py (seed
--seed, default 1), checked with `jxgen check` (a generated filing is valid:
exit 0 expected), rendered with `jxgen build` (PDF + workbook) and with
--trace, and read back by check_filing.py.  Prints every fault and a
summary line "corpus: N filings, F failed, K faults"; exit 1 on any fault
except those of a kind given with --allow (e.g. --allow split: printed and
counted, not failing).
--keep DIR keeps the filings and outputs there (default: a temporary
folder, removed)."""
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_filing  # noqa: E402
import gen_filings  # noqa: E402


def check_one(args):
    src, filings, out, n, failed = args
    if failed:
        return []
    try:
        return check_filing.check(src, os.path.join(filings, n + ".yaml"), out)
    except Exception as e:  # a checker crash is a fault, named
        return ["%s: checker: %r" % (n, e)]


def main(argv):
    args = argv[1:]
    seed, count, regions, keep, jobs, allow = 1, 4, [], None, os.cpu_count() or 2, []
    pos = []
    small = "--small" in args
    args = [a for a in args if a != "--small"]
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--seed", "--count", "--region", "--keep", "-j", "--allow"):
            v = args[i + 1]
            i += 2
            if a == "--seed":
                seed = int(v)
            elif a == "--count":
                count = int(v)
            elif a == "--region":
                regions.append(v)
            elif a == "--keep":
                keep = v
            elif a == "--allow":
                allow.append(v)
            else:
                jobs = int(v)
        else:
            pos.append(a)
            i += 1
    if len(pos) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    jxgen, src = os.path.abspath(pos[0]), os.path.abspath(pos[1])
    work = keep or tempfile.mkdtemp(prefix="jx-corpus-")
    filings = os.path.join(work, "filings")
    out = os.path.join(work, "out")
    os.makedirs(out, exist_ok=True)
    try:
        names = gen_filings.generate(src, filings, seed, count, regions or gen_filings.REGIONS,
                                     small)
        env = dict(os.environ, SOURCE_DATE_EPOCH="946684800")
        faults = []
        r = subprocess.run([jxgen, "check", filings], capture_output=True, text=True, env=env)
        if r.returncode != 0:
            faults.append("generator: jxgen check rejects generated filings:\n" + r.stderr[-3000:])
        failed = set()
        for extra in ([], ["--trace"]):
            r = subprocess.run([jxgen, "build", filings, "-o", out, "-j", str(jobs), "--force"]
                               + extra, capture_output=True, text=True, env=env)
            if r.returncode != 0:
                for line in r.stderr.splitlines():
                    if "error" in line:
                        faults.append("build%s: %s" % (" --trace" if extra else "", line.strip()))
                for n in names:
                    if not os.path.exists(os.path.join(out, n + (".trace" if extra else ".pdf"))):
                        failed.add(n)

        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as ex:
            for res in ex.map(check_one, [(src, filings, out, n, n in failed) for n in names]):
                faults += res
        def kind(f):
            parts = f.split(": ")
            return parts[1] if len(parts) > 1 else ""
        blocking = [f for f in faults if kind(f) not in allow]
        bad = set(f.split(":")[0] for f in blocking) | failed
        for f in faults:
            print(f)
        print("corpus: %d filings (seed %d), %d failed, %d faults (%d allowed: %s)" %
              (len(names), seed, len(bad & set(names)), len(blocking), len(faults) - len(blocking),
               ", ".join(allow) or "none"))
        return 1 if blocking else 0
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
