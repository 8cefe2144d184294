#!/usr/bin/env python3
"""Turns epoch_bench's CSV into the markdown table of bench/README.md.

numpy/floor is the most numpy/ours could be for a kernel that runs at the floor: where X is out
of cache and numpy/floor is under 5, the target numpy/ours >= 5 cannot be met by any epoch that
reads X (numpy's epoch is two BLAS passes that each stream X near the floor).
"""
import csv
import sys

rows = list(csv.DictReader(open(sys.argv[1])))
print("| n x d | type | layout | threads | X (MB) | floor ms (GB/s) | ours ms | ours/floor | naive/ours | numpy/ours | numpy/floor |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    floor, ours, naive, numpy = (float(r[k]) for k in ("floor_ms", "ours_ms", "naive_ms", "numpy_ms"))
    mb = float(r["bytes"]) / 1e6
    gbs = float(r["bytes"]) / (floor / 1e3) / 1e9
    def ratio(x):
        return "" if x != x else f"{x:.2f}"
    print(f"| {r['n']} x {r['d']} | {r['scalar']} | {r['layout']} | {r['threads']} | {mb:.1f} | "
          f"{floor:.3f} ({gbs:.0f}) | {ours:.3f} | {ours / floor:.2f} | {ratio(naive / ours)} | {ratio(numpy / ours)} | {ratio(numpy / floor)} |")
