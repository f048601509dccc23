#!/usr/bin/env python3
"""Print scripts/bench.sh's results as a Markdown table, then check the speed targets.

    python3 scripts/bench_table.py RESULTS.tsv

RESULTS.tsv has one line per timed run (written by bench.sh):
group, id, label, files, bytes, wall seconds, peak RSS KiB, user s, sys s, CPU seconds used by
other processes during the run. Rows with several runs show the median wall time, the largest
peak RSS and the most CPU time other processes used in any of the runs. Ratios are wall times
divided by the parse-only floor's and by `consentlint --no-cache`'s on the same files (the same
group).
"""

import statistics
import sys

GROUP_TITLES = {
    "corpus": "whole corpus",
    "precommit": "pre-commit sized",
    "subset": "subset for html-validate",
}
GROUP_ORDER = list(GROUP_TITLES)


def load(path):
    rows = {}
    order = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            g, i, label, files, nbytes, wall, rss, user, sys_, other = line.rstrip("\n").split("\t")
            key = (g, i)
            if key not in rows:
                rows[key] = {"group": g, "id": i, "label": label, "files": int(files), "bytes": int(nbytes), "runs": []}
                order.append(key)
            rows[key]["runs"].append(
                {"wall": float(wall), "rss": int(rss), "cpu": float(user) + float(sys_), "other": float(other)}
            )
    out = []
    for key in order:
        r = rows[key]
        runs = r["runs"]
        r["wall"] = statistics.median(x["wall"] for x in runs)
        r["rss"] = max(x["rss"] for x in runs) / 1024.0
        # CPU seconds other processes used during the run (the worst run).
        r["others"] = max(x["other"] for x in runs)
        r["n"] = len(runs)
        r["extrapolated"] = False
        out.append(r)
    out.sort(key=lambda r: GROUP_ORDER.index(r["group"]) if r["group"] in GROUP_ORDER else len(GROUP_ORDER))
    return out


def find(rows, group, id_):
    for r in rows:
        if r["group"] == group and r["id"] == id_:
            return r
    return None


def add_extrapolation(rows):
    """html-validate timed on a subset: its time over the whole corpus, scaled by bytes."""
    if find(rows, "corpus", "html-validate") or not find(rows, "subset", "html-validate"):
        return
    sub = find(rows, "subset", "html-validate")
    full = find(rows, "corpus", "floor") or find(rows, "corpus", "consentlint")
    if not full:
        return
    r = {
        "group": "corpus",
        "id": "html-validate",
        "label": f"html-validate, EXTRAPOLATED by bytes from the {sub['files']}-file subset (not run)",
        "files": full["files"],
        "bytes": full["bytes"],
        "wall": sub["wall"] * full["bytes"] / sub["bytes"],
        "rss": None,
        "others": None,
        "n": 0,
        "extrapolated": True,
    }
    idx = max(i for i, x in enumerate(rows) if x["group"] == "corpus")
    rows.insert(idx + 1, r)


def fmt(x, digits=2):
    if x is None:
        return "-"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.{digits}f}"


def ratio(r, ref):
    if not ref or ref["wall"] <= 0:
        return "-"
    x = r["wall"] / ref["wall"]
    return f"{x:.2f}x" if x < 10 else f"{x:,.0f}x"


def table(rows):
    lines = [
        "| run | files | MB | wall s | files/s | MB/s | peak RSS MB | vs floor | vs consentlint | others' CPU s |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    group = None
    for r in rows:
        if r["group"] != group:
            group = r["group"]
            lines.append(f"| **{GROUP_TITLES.get(group, group)}** | | | | | | | | | |")
        floor = find(rows, r["group"], "floor")
        cl = find(rows, r["group"], "consentlint")
        mb = r["bytes"] / 1e6
        label = r["label"] + (f" (median of {r['n']})" if r["n"] > 1 else "")
        lines.append(
            "| "
            + " | ".join(
                [
                    label,
                    f"{r['files']:,}",
                    f"{mb:.1f}",
                    fmt(r["wall"], 3 if r["wall"] < 1 else 2),
                    f"{r['files'] / r['wall']:,.0f}",
                    fmt(mb / r["wall"]),
                    "-" if r["rss"] is None else f"{r['rss']:,.0f}",
                    ratio(r, floor),
                    ratio(r, cl),
                    "-" if r["others"] is None else f"{r['others']:.2f}",
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def targets(rows):
    out = []

    def line(ok, text):
        out.append(f"- [{'met' if ok else 'MISSED'}] {text}")

    floor = find(rows, "corpus", "floor")
    cl = find(rows, "corpus", "consentlint")
    if floor and cl:
        x = cl["wall"] / floor["wall"]
        line(x <= 1.3, f"within 1.3x of the parse-only floor: {x:.2f}x ({cl['wall']:.2f} s vs {floor['wall']:.2f} s)")
    hh = find(rows, "corpus", "htmlhint")
    if hh and cl:
        x = hh["wall"] / cl["wall"]
        line(x >= 5, f"at least 5x faster than htmlhint: {x:.1f}x")
    for g in ("corpus", "subset"):
        hv = find(rows, g, "html-validate")
        ref = find(rows, g, "consentlint")
        if hv and ref:
            x = hv["wall"] / ref["wall"]
            how = "extrapolated" if hv["extrapolated"] else f"measured on {hv['files']:,} files"
            line(x >= 100, f"at least 100x faster than html-validate ({how}): {x:,.0f}x")
    mem = [r for r in rows if r["id"].startswith("consentlint") and r["rss"] is not None]
    if mem:
        worst = max(mem, key=lambda r: r["rss"])
        line(
            worst["rss"] < 100,
            f"peak memory under 100 MB: largest {worst['rss']:,.0f} MB ({worst['label']}, {worst['bytes'] / 1e6:.0f} MB of files)",
        )
    pc = find(rows, "precommit", "consentlint")
    if pc:
        line(pc["wall"] < 1, f"{pc['files']}-file pre-commit run under a second: {pc['wall']:.3f} s")
    pcc = find(rows, "precommit", "consentlint-cache")
    if pcc:
        line(pcc["wall"] < 1, f"the same with the whole tree's cache present: {pcc['wall']:.3f} s")
    cold = find(rows, "corpus", "consentlint-cold")
    warm = find(rows, "corpus", "consentlint-warm")
    if cold and warm:
        x = cold["wall"] / warm["wall"]
        line(x >= 10, f"warm-cache re-run at least 10x faster than the cold run: {x:.1f}x ({warm['wall']:.2f} s vs {cold['wall']:.2f} s)")
    return "\n".join(out)


def main():
    rows = load(sys.argv[1])
    add_extrapolation(rows)
    print(table(rows))
    print()
    print("Targets:")
    print(targets(rows))


if __name__ == "__main__":
    main()
