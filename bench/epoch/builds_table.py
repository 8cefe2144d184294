#!/usr/bin/env python3
"""The table of bench/epoch/builds.sh: per row, the median over rounds of each build's epoch.

Arguments: BUILD=CSV ... (epoch_bench CSV files, BUILD native or default). default/native is the
slowdown a user's build without -march sees (target <= 1.2); ours/floor is given for each build.
"""
import csv
import statistics
import sys

times = {}  # (n, d, scalar, layout, threads) -> build -> {"ours": [...], "floor": [...]}
for arg in sys.argv[1:]:
    build, path = arg.split("=", 1)
    for r in csv.DictReader(open(path)):
        key = (int(r["n"]), int(r["d"]), r["scalar"], r["layout"], int(r["threads"]))
        entry = times.setdefault(key, {}).setdefault(build, {"ours": [], "floor": []})
        entry["ours"].append(float(r["ours_ms"]))
        entry["floor"].append(float(r["floor_ms"]))

print("| n x d | type | layout | threads | native ms | default ms | default/native | "
      "native ours/floor | default ours/floor |")
print("|---|---|---|---|---|---|---|---|---|")
worst = 0.0
for key in times:  # the order of the first CSV: shape, then threads, type and layout
    n, d, scalar, layout, threads = key
    med = {b: {k: statistics.median(v) for k, v in e.items()} for b, e in times[key].items()}
    nat, dft = med["native"], med["default"]
    ratio = dft["ours"] / nat["ours"]
    worst = max(worst, ratio)
    print(f"| {n} x {d} | {scalar} | {layout} | {threads} | {nat['ours']:.3f} | {dft['ours']:.3f} | "
          f"{ratio:.2f} | {nat['ours'] / nat['floor']:.2f} | {dft['ours'] / dft['floor']:.2f} |")
print(f"\nworst default/native: {worst:.2f}")
