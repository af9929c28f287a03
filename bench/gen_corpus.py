#!/usr/bin/python3
"""Writes N synthetic filings for the benchmark, made from the five samples
in input/: amounts scaled (by a whole factor, so every sum rule still holds),
names varied, indicator lists shortened or lengthened, and every tenth
filing made long enough to run over several pages.

usage: gen_corpus.py SOURCE_DIR OUT_DIR N [SEED]"""
import copy
import decimal
import glob
import os
import random
import sys

import yaml

MONEY_UNITS = {"万元", "元"}


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def scale_amounts(value, spec, k):
    """Multiplies the money amounts of a filing subtree (guided by its schema spec)."""
    if not isinstance(spec, dict):
        return value
    kind = spec.get("type", "text")
    if kind == "amount":
        if spec.get("unit") not in MONEY_UNITS or value in (None, "", "-"):
            return value
        try:
            d = decimal.Decimal(str(value).replace(",", ""))
        except decimal.InvalidOperation:
            return value
        return str(d * k)
    if kind == "map" and isinstance(value, dict):
        fields = spec.get("fields", {})
        return {key: scale_amounts(v, fields.get(key), k) for key, v in value.items()}
    if kind == "list" and isinstance(value, list):
        item = spec.get("item", {})
        return [scale_amounts(v, {"type": "map", "fields": item}, k) for v in value]
    return value


def vary_lists(value, rng, factor):
    """Indicator lists (`items:`) get fewer or more entries."""
    if isinstance(value, dict):
        out = {}
        for key, v in value.items():
            if key == "items" and isinstance(v, list) and v:
                n = max(1, int(len(v) * factor * rng.uniform(0.5, 1.5) + 0.5))
                grown = [copy.deepcopy(v[i % len(v)]) for i in range(n)]
                out[key] = [vary_lists(e, rng, factor) for e in grown]
            else:
                out[key] = vary_lists(v, rng, factor)
        return out
    if isinstance(value, list):
        return [vary_lists(v, rng, factor) for v in value]
    return value


def rename(value, suffix, depth=0):
    """Top-level names (the project's, the unit's) get a suffix."""
    if isinstance(value, dict):
        return {k: (v + suffix if k == "name" and isinstance(v, str) and depth <= 1
                    else rename(v, suffix, depth + 1)) for k, v in value.items()}
    return value


def lengthen_text(value, times):
    """Long <p> texts repeated: the filing runs over several pages."""
    if isinstance(value, dict):
        return {k: lengthen_text(v, times) for k, v in value.items()}
    if isinstance(value, list):
        return [lengthen_text(v, times) for v in value]
    if isinstance(value, str) and len(value) > 200:
        return " ".join([value] * times)
    return value


def resolve_refs(value, shared):
    """The filing with its {$ref: PATH} values replaced by the shared data
    (what jxgen's include: does), so every synthetic copy stands alone."""
    if isinstance(value, dict) and "$ref" in value:
        found = shared
        for step in str(value["$ref"]).split("."):
            found = found[step]
        fields = value.get("$fields")
        if fields and isinstance(found, list):
            found = [{k: e[v] for k, v in fields.items()} for e in found]
        return copy.deepcopy(found)
    if isinstance(value, dict):
        return {k: resolve_refs(v, shared) for k, v in value.items() if k != "include"}
    if isinstance(value, list):
        return [resolve_refs(v, shared) for v in value]
    return value


def main():
    src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 2025)
    samples = []
    for path in sorted(glob.glob(os.path.join(src, "input", "*.yaml"))):
        filing = load(path)
        includes = filing.get("include") or []
        shared = {}
        for inc in [includes] if isinstance(includes, str) else includes:
            shared.update(load(os.path.join(os.path.dirname(path), inc)))
        filing = resolve_refs(filing, shared)
        layout = load(os.path.join(src, "layouts", filing["region"] + ".yaml"))
        samples.append((os.path.splitext(os.path.basename(path))[0], filing, layout["schema"]))
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        name, filing, schema = samples[i % len(samples)]
        k = 1 + rng.randrange(9)
        f = {key: scale_amounts(v, schema.get(key), k) for key, v in filing.items()}
        long = i % 10 == 9
        f = vary_lists(f, rng, 4.0 if long else 1.0)
        if long:
            f = lengthen_text(f, 3)
        f = rename(f, "（%04d）" % i)
        with open(os.path.join(out, "%s-%04d.yaml" % (name, i)), "w", encoding="utf-8") as fh:
            yaml.safe_dump(f, fh, allow_unicode=True, sort_keys=False, width=1000)


if __name__ == "__main__":
    main()
