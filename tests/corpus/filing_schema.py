"""A filing's values and the layout schema that describes them, shared by
gen_filings.py (which writes filings) and check_filing.py (which reads them
back)."""


def spec_at(schema, path):
    """The spec of the field at dotted `path` in `schema` (a layout's
    `schema:` map); {} when there is none.  A number steps into a list's
    entry, as does `*` (a rule's pattern); a leading `/` (a rule's path from
    the filing's top) is ignored."""
    spec = {"type": "map", "fields": schema}
    for p in path.lstrip("/").split("."):
        if p.isdigit():
            continue
        if p == "*":
            spec = {"type": "map", "fields": spec["item"]}
        elif spec.get("type") == "list":
            spec = spec["item"].get(p, {})
        else:
            spec = spec.get("fields", {}).get(p, {})
    return spec


def scalars(node, path=""):
    """(dotted path, text) of every scalar value under node, in order."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from scalars(v, "%s.%s" % (path, k) if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from scalars(v, "%s.%d" % (path, i))
    elif node is not None:
        yield path, str(node)
