#!/usr/bin/python3
"""Random valid filings, one region at a time, written as a new user would.

usage: gen_filings.py SOURCE_DIR OUT_DIR [--seed N] [--count N] [--region R ...] [--small]

Reads each region's schema and rules from SOURCE_DIR/layouts/<region>.yaml
and writes OUT_DIR/<region>-<seed>-<i>.yaml: texts from empty to several
pages, lists of 0 to 60 entries, long and short labels, and every value kind
the schema allows — amounts with 0 to 6 decimals, thousands separators, `-`
and blanks for zero, percentages such as 12.5%, Latin words, digits, URLs,
full-width punctuation and rare characters (CJK Ext. A/B such as 𠮷) mixed
into Chinese.  The error rules of the layout hold (sums add up, a half-year
amount never exceeds the full year, spending plans rise to 100%, rates stay
at or under 100%, indicators named as rates (…率, …满意度) state no
percentage above 100% unless as a ceiling); derived totals are sometimes stated, sometimes left out.

--small keeps filings to a few pages (shorter texts, fewer entries; a list of
up to 60 entries now and then): the size the test suite runs by the hundred.
The same seed gives the same files (check_filing.py reads the values back
from them)."""
import os
import random
import re
import sys
from decimal import Decimal, ROUND_HALF_UP

import yaml

from filing_schema import spec_at

REGIONS = ["changzhou", "jiangbei", "tangshan", "guangzhou", "guanggu", "national_project",
           "national_dept"]

# Common characters of the samples' prose, plus words a unit writes.
WORDS = ("园区 聚焦 产业 发展 战略 进一步 提高 站位 明确 重点 压实 责任 高标准 落实 各项 任务 "
         "项目 资金 预算 绩效 目标 管理 服务 企业 科技 创新 创业 孵化 建设 运营 保障 安全 "
         "生产 消防 事故 物业 水平 培训 交流 活动 推动 文化 申报 组织 工作 中心 入库 培育 "
         "招商 引进 人才 基础 设施 维修 改造 采购 合同 支付 进度 质量 验收 考核 监督 审计 "
         "满意度 完成率 覆盖率 及时率 达标率 城市 道路 绿化 污水 处理 垃圾 焚烧 处置费 "
         "数字化 平台 系统 数据 网络 信息 公共 民生 教育 卫生 医疗 养老 就业 社会 经济 "
         "生态 环境 可持续 影响 部门 单位 职能 机构 人员 配置 年度 长期 指标 效益 成本 "
         "产出 数量 时效 经济效益 社会效益 服务对象").split()
LATIN = ["IoT", "GDP", "PPP", "EPC", "BIM", "5G", "AI", "ISO9001", "WiFi", "APP", "CBD",
         "PM2.5", "LED", "GIS", "OA", "Excel", "SaaS", "Beidou", "e-Government"]
RARE = ["𠮷", "𡈽", "𠀋", "𪜶", "㙟", "䲟", "㐂", "𥻗", "𩽾", "𧿹"]
OPENING = {"（", "【", "“", "《"}
PUNCT = ["，", "。", "；", "：", "、", "（", "）", "【", "】", "“", "”", "《", "》", "！", "？"]
# Fields whose label says they hold prose (long texts go there).
PROSE = ["目标", "职能", "内容", "说明", "措施", "必要性", "可行性", "依据", "用途", "任务", "描述",
         "概述", "配置"]
UNITS = ["万元", "元", "亿元", "个", "家", "次", "人", "%", "小时", "平方米", "公里", "项", "户"]


def _amount_text(rnd, value, decimals):
    return format(value, "f") if decimals else str(value)


class Gen:
    def __init__(self, seed, small=False):
        self.rnd = random.Random(seed)
        self.small = small  # the test suite's size: a few pages per filing

    # ---- texts ----
    def number_token(self):
        r = self.rnd
        k = r.randrange(7)
        if k == 0:
            return str(r.randrange(2000, 2031)) + "年"
        if k == 1:
            return "（%d）" % r.randrange(2000, 2031)
        if k == 2:
            return "%s%s" % (self.decimal_text(r.randrange(3)), r.choice(UNITS))
        if k == 3:
            return "%d%%" % r.randrange(0, 101) if r.random() < 0.5 else "%.1f%%" % (r.randrange(1000) / 10)
        if k == 4:
            return "https://www.example%d.gov.cn/zwgk/%d.html" % (r.randrange(99), r.randrange(10 ** 6))
        if k == 5:
            return "%s强" % r.choice(["500", "100", "50"])
        return "%d,%03d.%02d" % (r.randrange(1, 999), r.randrange(1000), r.randrange(100))

    def sentence(self, nchars):
        r = self.rnd
        out = []
        n = 0
        while n < nchars:
            x = r.random()
            if x < 0.72:
                t = r.choice(WORDS)
            elif x < 0.80:
                t = self.number_token()
            elif x < 0.86:
                t = r.choice(LATIN)
            elif x < 0.89:
                t = r.choice(RARE)
            else:
                t = r.choice(PUNCT)
                if not out and t not in OPENING:  # no text starts with ，or ）
                    t = r.choice(WORDS)
            out.append(t)
            n += len(t)
        while out and out[-1] in OPENING:  # nor ends with （: no line may
            out.pop()                      # begin or end so (kinsoku)
        return "".join(out or [r.choice(WORDS)]) + "。"

    def text(self, required, kind="text"):
        """A text value: often short, sometimes empty, now and then pages long."""
        r = self.rnd
        x = r.random()
        if x < 0.12 and not required:
            return ""
        if x < 0.55:
            return self.sentence(r.randrange(1, 16))[:-1]
        if x < 0.85:
            return self.sentence(r.randrange(16, 200))
        if x < 0.98:
            n = r.randrange(200, 600 if self.small else 1200)
        else:
            n = r.randrange(600, 1500) if self.small else r.randrange(1200, 7000)
        if kind == "rich":
            paras = []
            left = n
            while left > 0:
                k = min(left, r.randrange(40, 500))
                paras.append("<p>%s</p>" % self.sentence(k))
                left -= k
            return " ".join(paras)
        return self.sentence(n)

    def short_text(self, required):
        """A name, a date, a heading: a few words, now and then a sentence."""
        r = self.rnd
        if not required and r.random() < 0.1:
            return ""
        if r.random() < 0.85:
            return self.sentence(r.randrange(1, 20))[:-1]
        return self.sentence(r.randrange(20, 120))

    def label(self):
        r = self.rnd
        if r.random() < 0.7:
            return "".join(r.choice(WORDS) for _ in range(r.randrange(1, 3)))
        return self.sentence(r.randrange(10, 60))[:-1]

    def indicator_value(self):
        r = self.rnd
        k = r.randrange(9)
        if k == 0:
            return "≥%d%%" % r.randrange(50, 101)
        if k == 1:
            return "%.1f%%" % (r.randrange(0, 1001) / 10)
        if k == 2:
            return "=%s元" % self.decimal_text(2)
        if k == 3:
            return "≤%d小时" % r.randrange(1, 72)
        if k == 4:
            return "不少于%d家" % r.randrange(1, 500)
        if k == 5:
            return "%d年%d月底前" % (r.randrange(2024, 2027), r.randrange(1, 13))
        if k == 6:
            return r.choice(["充分", "规范", "序时进度", "达标", "有效"])
        if k == 7:
            return ""
        return self.sentence(r.randrange(5, 80))

    # ---- amounts ----
    def decimal_text(self, decimals):
        r = self.rnd
        mag = r.choice([1, 10, 100, 1000, 10000, 100000, 10 ** 7])
        ip = r.randrange(0, mag)
        s = str(ip)
        if decimals:
            s += "." + "".join(str(r.randrange(10)) for _ in range(decimals))
        return s

    def amount(self):
        """(text as written, exact value)."""
        r = self.rnd
        x = r.random()
        if x < 0.06:
            return "-", Decimal(0)
        if x < 0.10:
            return "0", Decimal(0)
        if x < 0.13:
            return "", Decimal(0)
        d = r.choice([0, 0, 0, 1, 2, 2, 2, 3, 4, 5, 6])
        s = self.decimal_text(d)
        v = Decimal(s)
        if r.random() < 0.2 and v >= 1000:
            ip, _, fp = s.partition(".")
            s = "{:,}".format(int(ip)) + ("." + fp if fp else "")
        return s, v

    def list_len(self, depth):
        """Entries of a list: 0 to 60 at the top level, fewer further in, so
        that a filing stays the size a unit writes (tens of pages)."""
        r = self.rnd
        x = r.random()
        if depth >= 2:
            return r.choice([0, 1, 1, 2, 2, 3, 4, 6])
        if self.small and depth >= 1:
            return r.choice([0, 1, 1, 2, 2, 3]) if x < 0.98 else r.randrange(4, 12)
        if depth == 1:
            return r.choice([0, 1, 1, 2, 2, 3, 4, 6]) if x < 0.97 else r.randrange(7, 31)
        if x < 0.1:
            return 0
        if self.small and x >= 0.85:
            return r.randrange(7, 13) if x < 0.99 else r.randrange(13, 61)
        if x < 0.85:
            return r.randrange(1, 7)
        if x < 0.97:
            return r.randrange(7, 21)
        return r.randrange(21, 61)


def fmt_dec(v):
    s = format(v, "f")
    return s


def split_value(rnd, total, n):
    """n non-negative decimals adding up to total (same decimals as total)."""
    exp = -total.as_tuple().exponent if total.as_tuple().exponent < 0 else 0
    q = Decimal(1).scaleb(-exp)
    parts = []
    left = total
    for i in range(n - 1):
        p = (left * Decimal(rnd.random())).quantize(q, rounding="ROUND_DOWN")
        parts.append(p)
        left -= p
    parts.append(left)
    return parts


class Filing:
    """A filing under construction: a nested dict plus the values written."""

    def __init__(self, layout, gen):
        self.layout = layout
        self.g = gen
        self.schema = layout["schema"]
        self.data = {"region": layout["region"]}

    def build(self):
        for key, spec in self.schema.items():
            if key == "region":
                continue
            v = self.value(spec, 0)
            if v is not None:
                self.data[key] = v
        self.apply_rules()
        return self.data

    def value(self, spec, depth):
        g, r = self.g, self.g.rnd
        t = spec.get("type", "text")
        req = spec.get("required", False)
        if t == "map":
            out = {}
            for k, s in spec.get("fields", {}).items():
                v = self.value(s, depth)
                if v is not None:
                    out[k] = v
            return out
        if t == "list":
            n = g.list_len(depth)
            if n == 0 and r.random() < 0.5:
                return None if not req else []
            return [self.value({"type": "map", "fields": spec["item"]}, depth + 1) for _ in range(n)]
        if t == "amount":
            if spec.get("derived"):
                return None
            if spec.get("unit") == "%":
                return None  # filled by the plan rules below
            s, _ = g.amount()
            return s
        if not req and r.random() < 0.08:
            return None
        label = spec.get("label", "")
        if label.endswith("指标值") or label in ("指标值", "绩效标准", "预期当年实现值"):
            return g.indicator_value()
        if label in ("一级指标", "二级指标", "三级指标", "指标名称", "名称", "支出项目", "项目名称",
                     "目标序号", "分项名称", "措施"):
            s = g.label()
            if label in ("三级指标", "指标名称") and r.random() < 0.2:
                s += r.choice(["完成率", "满意度", "覆盖率"])
            return s
        if t == "rich" or any(w in label for w in PROSE):
            return g.text(req, t)
        return g.short_text(req)

    # ---- rules ----
    def nodes(self, path, base=None):
        """(parent, key) pairs a rule path names (lists expand on '*')."""
        cur = [(None, None, self.data if base is None else base)]
        parts = path.split(".")
        for i, p in enumerate(parts):
            nxt = []
            for _, _, node in cur:
                if p == "*":
                    if isinstance(node, list):
                        nxt += [(node, j, node[j]) for j in range(len(node))]
                elif isinstance(node, dict):
                    if i == len(parts) - 1:
                        nxt.append((node, p, node.get(p)))
                    elif isinstance(node.get(p), (dict, list)):
                        nxt.append((node, p, node[p]))
            cur = nxt
        return [(par, k) for par, k, _ in cur]

    def each(self, rule):
        e = rule.get("each")
        if not e:
            return [self.data]
        out = []
        for ep in (e if isinstance(e, list) else [e]):
            for par, k in self.nodes(ep):
                lst = par.get(k) if isinstance(par, dict) else par[k]
                if isinstance(lst, list):
                    out += [x for x in lst if isinstance(x, dict)]
        return out

    def get(self, base, path):
        base = self.data if path.startswith("/") else base
        out = []
        for par, k in self.nodes(path.lstrip("/"), base):
            v = par.get(k) if isinstance(par, dict) else par[k]
            out.append((par, k, v))
        return out

    @staticmethod
    def num(v):
        if v is None or v == "" or v == "-":
            return Decimal(0)
        return Decimal(str(v).replace(",", ""))

    def apply_rules(self):
        r = self.g.rnd
        assigned = set()
        for rule in self.layout.get("rules", []):
            kind = rule["kind"]
            if rule.get("severity") == "warning":
                continue
            for base in self.each(rule):
                if kind == "sum":
                    self.fix_sum(rule, base, assigned)
                elif kind == "le":
                    for (_, _, lv), (rp, rk, rv) in zip(self.get(base, rule["left"]), self.get(base, rule["right"])):
                        pass
                    L = self.get(base, rule["left"])
                    R = self.get(base, rule["right"])
                    right_rule = self.sum_of(rule["right"])
                    if L and R and (R[0][2] is not None or right_rule) and (
                            L[0][2] is not None or self.sum_of(rule["left"])):
                        # A derived total left out is the sum of its parts.
                        right = self.num(R[0][2]) if R[0][2] is not None else sum(
                            self.num(v) for p in right_rule["parts"] for _, _, v in self.get(base, p))
                        lv = (right * Decimal(r.random())).quantize(Decimal(1), rounding="ROUND_DOWN")
                        L[0][0][L[0][1]] = str(lv)
                        # A total of an earlier sum rule: its parts add up
                        # to the new total again (national_project's
                        # annual-total, then annual-within-mid).
                        total_rule = self.sum_of(rule["left"])
                        if total_rule:
                            assigned.add(id(L[0][0]) * 1000 + hash(L[0][1]))
                            self.fix_sum(total_rule, base, assigned)
                elif kind == "plan":
                    vals = sorted(r.randrange(0, 101) for _ in rule["values"])
                    vals[-1] = 100
                    vals = [Decimal(v) for v in vals]
                    for i in range(len(vals) - 1):
                        if vals[i] < vals[i + 1] and r.random() < 0.4:
                            vals[i] += Decimal(r.randrange(1, 10)) / 10
                    styles = [lambda x: "%s%%" % x, lambda x: "%s％" % x,
                              lambda x: fmt_dec(x / 100)]
                    for p, v in zip(rule["values"], vals):
                        for par, k in self.nodes(p, base):
                            par[k] = r.choice(styles)(v)
                elif kind == "rate_max":
                    self.fix_rate(rule, base)
                elif kind == "ratio":
                    amt = self.get(base, rule["amount"])
                    tot = self.get(base, rule["total"])
                    val = self.get(base, rule["value"])
                    if not (amt and tot and val):
                        continue
                    a, t = self.num(amt[0][2]), self.num(tot[0][2])
                    par, k, _ = val[0]
                    if t == 0:
                        par.pop(k, None) if isinstance(par, dict) else None
                        continue
                    q = Decimal(1).scaleb(-r.randrange(2, 5))
                    par[k] = fmt_dec((a / t).quantize(q, rounding=ROUND_HALF_UP))

    def fix_rate(self, rule, base):
        """A rate (its name ends with a suffix, no exception word in it)
        states no percentage above the limit, unless as a ceiling (≤, <):
        such a value becomes a percentage within it."""
        r = self.g.rnd
        name = base.get(rule.get("name", "name"))
        if not isinstance(name, str):
            return
        if rule.get("suffixes") and not any(name.endswith(w) for w in rule["suffixes"]):
            return
        if any(w in name for w in rule.get("except", [])):
            return
        limit = Decimal(str(rule.get("max", 100)))
        for p in rule.get("values", []):
            for par, k in self.nodes(p, base):
                v = par.get(k) if isinstance(par, dict) else None
                if not isinstance(v, str) or v.lstrip()[:1] in ("≤", "<", "＜"):
                    continue
                m = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*[%％]", v)
                if m and Decimal(m.group(1).replace(",", "")) > limit:
                    par[k] = "%.1f%%" % (r.randrange(0, 1001) / 10)

    def sum_of(self, path):
        """The sum rule whose total is `path`, or None."""
        for rule in self.layout.get("rules", []):
            if rule["kind"] == "sum" and rule.get("severity") != "warning" and \
                    path in (rule["total"] if isinstance(rule["total"], list) else [rule["total"]]):
                return rule
        return None

    def fix_sum(self, rule, base, assigned):
        r = self.g.rnd
        scale = Decimal(str(rule.get("scale", 1)))
        totals = rule["total"] if isinstance(rule["total"], list) else [rule["total"]]
        parts = [x for p in rule["parts"] for x in self.get(base, p)]
        tnodes = [x for t in totals for x in self.get(base, t)]
        t_known = any(id(x[0]) * 1000 + hash(x[1]) in assigned for x in tnodes)
        if t_known:
            total = sum(self.num(v) for _, _, v in tnodes)
            vals = split_value(r, total / scale if scale != 1 else total, len(parts))
            for (par, k, _), v in zip(parts, vals):
                par[k] = fmt_dec(v)
                assigned.add(id(par) * 1000 + hash(k))
            return
        total = sum(self.num(v) for _, _, v in parts) * scale
        derived = len(totals) == 1 and self.spec_of(totals[0]).get("derived")
        # a total an `le` rule compares is kept, so that the rule can hold it
        compared = any(totals[0] in (x.get("left"), x.get("right"))
                       for x in self.layout.get("rules", []) if x["kind"] == "le")
        if derived and not compared and r.random() < 0.6:
            for par, k, _ in tnodes:
                if isinstance(par, dict):
                    par.pop(k, None)
            return
        vals = split_value(r, total, len(tnodes))
        for (par, k, _), v in zip(tnodes, vals):
            par[k] = fmt_dec(v)
            assigned.add(id(par) * 1000 + hash(k))

    def spec_of(self, path):
        return spec_at(self.schema, path)


def generate(src, out, seed, count, regions, small=False):
    os.makedirs(out, exist_ok=True)
    names = []
    for region in regions:
        with open(os.path.join(src, "layouts", region + ".yaml"), encoding="utf-8") as f:
            layout = yaml.safe_load(f)
        for i in range(count):
            g = Gen("%s-%d-%d" % (region, seed, i), small)
            data = Filing(layout, g).build()
            name = "%s-%d-%d" % (region, seed, i)
            with open(os.path.join(out, name + ".yaml"), "w", encoding="utf-8") as f:
                yaml.safe_dump(data, f, allow_unicode=True, sort_keys=False, width=10 ** 6)
            names.append(name)
    return names


def main(argv):
    args = argv[1:]
    seed, count, regions, small = 1, 10, [], False
    pos = []
    i = 0
    while i < len(args):
        if args[i] == "--seed":
            seed = int(args[i + 1]); i += 2
        elif args[i] == "--count":
            count = int(args[i + 1]); i += 2
        elif args[i] == "--region":
            regions.append(args[i + 1]); i += 2
        elif args[i] == "--small":
            small = True; i += 1
        else:
            pos.append(args[i]); i += 1
    if len(pos) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    for n in generate(pos[0], pos[1], seed, count, regions or REGIONS, small):
        print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
